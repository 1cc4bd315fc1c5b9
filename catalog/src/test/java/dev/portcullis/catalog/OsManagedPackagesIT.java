package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.tuple;

import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.dpkg.DpkgMatchesDpkgQueryIT;
import dev.portcullis.catalog.golang.GoVersionM;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.DebootstrapWithPackages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Language packages that Debian installed (PyYAML, requests, the jackson-databind jar, skopeo's Go modules) are recognised as
 * such, so that matching goes through Debian's feed (which knows its backported fixes) and not the upstream one; the whole
 * catalog of that image survives a CycloneDX round trip.
 */
class OsManagedPackagesIT {
  // the same package set as DpkgMatchesDpkgQueryIT, so both share one cached image
  private static final List<String> EXTRA = DpkgMatchesDpkgQueryIT.EXTRA;

  @TempDir Path tmp;

  @Test
  void debianPythonPackagesAndJarsAreManagedByTheirDebianPackage() throws IOException {
    DebootstrapWithPackages.Image debian = DebootstrapWithPackages.of(EXTRA);
    try (Image image = Images.open(new ImageSource.OciLayout(debian.layout(), null), ReadOptions.defaults())) {
      Catalog catalog = Catalog.read(image, new LayerScanner(null, 1_000_000), Catalogers.defaults(), tmp);
      assertThat(catalog.distro().orElseThrow().id()).isEqualTo("debian");
      assertThat(catalog.packages()).filteredOn(p -> p.ecosystem() == Ecosystem.PYPI)
          .extracting(p -> p.name().toLowerCase(Locale.ROOT), Package::managedBy)
          .contains(tuple("pyyaml", "python3-yaml"), tuple("requests", "python3-requests"), tuple("urllib3", "python3-urllib3"));
      List<Package> jackson = catalog.packages().stream()
          .filter(p -> p.ecosystem() == Ecosystem.MAVEN && p.name().equals("jackson-databind")).toList();
      assertThat(jackson).isNotEmpty().allSatisfy(p -> assertThat(p.managedBy()).isEqualTo("libjackson2-databind-java"));
      assertThat(catalog.packages()).filteredOn(p -> p.ecosystem().isOs()).allSatisfy(p -> assertThat(p.managedBy()).isNull());

      // skopeo is a Go program: its modules are those go version -m reads (Debian builds in GOPATH mode, so only the
      // toolchain), and Debian's skopeo package owns them
      List<Package> skopeo = catalog.packages().stream().filter(p -> p.location().path().equals("/usr/bin/skopeo")).toList();
      assertThat(skopeo).allSatisfy(p -> assertThat(p.managedBy()).isEqualTo("skopeo"));
      GoVersionM expected = GoVersionM.of(debian.rootfs().resolve("usr/bin/skopeo"));
      Set<String> modules = skopeo.stream().filter(p -> !p.name().equals("stdlib")).map(p -> p.name() + "@" + p.version())
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(modules).isEqualTo(expected.modules());
      assertThat(skopeo).as("skopeo's packages").isNotEmpty();
      assertThat(skopeo).filteredOn(p -> p.name().equals("stdlib")).singleElement()
          .satisfies(p -> assertThat("go" + p.version().substring(1)).isEqualTo(expected.goVersion()));

      SbomAssertions.roundTripsThroughCycloneDx(catalog, tmp);
    }
  }
}
