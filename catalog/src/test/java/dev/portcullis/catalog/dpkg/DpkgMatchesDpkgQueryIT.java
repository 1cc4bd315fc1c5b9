package dev.portcullis.catalog.dpkg;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.OsRelease;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cataloger finds in real Debian images equals what dpkg itself says of their root file
 * systems: every installed package with its architecture, version (epochs included), source
 * package and source version, no more and no fewer.
 */
public class DpkgMatchesDpkgQueryIT {
  /** The acceptance image's Debian packages: Python, Java and Go (skopeo) code that Debian installs. */
  public static final List<String> EXTRA = List.of("libjackson2-databind-java", "python3-requests", "python3-yaml", "skopeo");
  // Status words dpkg-query reports for packages whose files are in place and configured
  private static final Set<String> INSTALLED = Set.of("installed", "triggers-pending", "triggers-awaited");

  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws IOException {
    Tools.require("dpkg-query");
    Tools.require("umoci");
  }

  @Test
  void minbaseImage() throws IOException {
    CatalogResult r = catalog(Debootstrap.layout());
    assertSameAsDpkgQuery(r, Debootstrap.rootfs());
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.location().layerIndex()).isZero());
    assertThat(r.packages()).extracting(Package::name).contains("base-files", "dpkg", "libc6", "apt");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("libc6")).singleElement()
        .satisfies(p -> assertThat(p.purl()).startsWith("pkg:deb/debian/libc6@").endsWith("?arch=amd64&distro=debian-12&upstream=glibc"));
  }

  @Test
  void imageWithPackagesAddedByAptInASecondLayer() throws IOException {
    DebootstrapWithPackages.Image image = DebootstrapWithPackages.of(EXTRA);
    CatalogResult r = catalog(image.layout());
    assertSameAsDpkgQuery(r, image.rootfs());
    SbomAssertions.roundTripsThroughCycloneDx(r, tmp);
    assertThat(r.packages()).extracting(Package::name).containsAll(EXTRA);
    assertThat(r.packages()).as("the status file the apt layer rewrote").allSatisfy(p -> assertThat(p.location().layerIndex()).isEqualTo(1));
    assertThat(r.ownedFiles())
        .containsEntry("/usr/lib/python3/dist-packages/yaml/__init__.py", "python3-yaml")
        .containsEntry("/usr/share/java/jackson-databind.jar", "libjackson2-databind-java")
        .containsEntry("/usr/bin/dpkg", "dpkg")
        .containsEntry("/usr/bin/skopeo", "skopeo");
  }

  private CatalogResult catalog(Path layout) throws IOException {
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1_000_000));
      return new DpkgCataloger().catalog(tree, new CatalogContext(OsRelease.detect(tree).orElseThrow(), tmp, 16L << 20));
    }
  }

  private static void assertSameAsDpkgQuery(CatalogResult r, Path rootfs) throws IOException {
    String out = Tools.run(Duration.ofMinutes(1), "dpkg-query", "--admindir=" + rootfs.resolve("var/lib/dpkg"), "-W", "-f",
        "${db:Status-Status} ${Package} ${Architecture} ${Version} ${source:Package} ${source:Version}\n").stdoutText();
    Set<String> expected = new TreeSet<>();
    for (String line : out.split("\n")) {
      String[] f = line.split(" ", 2);
      if (f.length == 2 && INSTALLED.contains(f[0])) {
        // the PURL's upstream qualifier: the source when it is not the package itself, with its version when that differs
        String[] w = f[1].split(" ");
        String upstream = w[4].equals(w[2]) ? (w[3].equals(w[0]) ? "-" : w[3]) : w[3] + "@" + w[4];
        expected.add(f[1] + " " + upstream);
      }
    }
    Set<String> actual = new TreeSet<>();
    for (Package p : r.packages()) {
      String upstream;
      try {
        upstream = Optional.ofNullable(new PackageURL(p.purl()).getQualifiers()).map(q -> q.get("upstream")).orElse("-");
      } catch (MalformedPackageURLException e) {
        throw new AssertionError(p.purl(), e);
      }
      actual.add(p.name() + " " + p.metadata().get("architecture") + " " + p.version() + " " + p.sourceIfAny().orElseThrow().name() + " "
          + p.sourceIfAny().orElseThrow().version() + " " + upstream);
    }
    assertThat(expected).as("dpkg-query lists packages").hasSizeGreaterThan(80);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    assertThat(missing).as("installed per dpkg-query, not found").isEmpty();
    assertThat(extra).as("found, not installed per dpkg-query").isEmpty();
    assertThat(r.packages()).as("no package twice").hasSameSizeAs(actual);
    assertThat(r.unknowns()).isEmpty();
  }
}
