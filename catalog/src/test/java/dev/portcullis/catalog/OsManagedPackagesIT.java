package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Images;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.DebootstrapWithPackages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Language packages that Debian installed (PyYAML, the jackson-databind jar) are recognised as such, so that matching goes through
 * Debian's feed (which knows its backported fixes) and not the upstream one.
 */
class OsManagedPackagesIT {
  // the same package set as DpkgMatchesDpkgQueryIT, so both share one cached image
  private static final List<String> EXTRA = List.of("libjackson2-databind-java", "python3-yaml");

  @TempDir Path tmp;

  @Test
  void debianPythonPackagesAndJarsAreManagedByTheirDebianPackage() throws IOException {
    DebootstrapWithPackages.Image debian = DebootstrapWithPackages.of(EXTRA);
    try (Image image = Images.open(new ImageSource.OciLayout(debian.layout(), null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1_000_000));
      Catalog catalog = Catalog.of(tree, Catalogers.defaults(), tmp);
      assertThat(catalog.distro().orElseThrow().id()).isEqualTo("debian");
      Package yaml = catalog.packages().stream()
          .filter(p -> p.ecosystem() == Ecosystem.PYPI && p.name().equalsIgnoreCase("PyYAML")).findFirst().orElseThrow();
      assertThat(yaml.managedBy()).isEqualTo("python3-yaml");
      List<Package> jackson = catalog.packages().stream()
          .filter(p -> p.ecosystem() == Ecosystem.MAVEN && p.name().equals("jackson-databind")).toList();
      assertThat(jackson).isNotEmpty().allSatisfy(p -> assertThat(p.managedBy()).isEqualTo("libjackson2-databind-java"));
      assertThat(catalog.packages()).filteredOn(p -> p.ecosystem().isOs()).allSatisfy(p -> assertThat(p.managedBy()).isNull());
    }
  }
}
