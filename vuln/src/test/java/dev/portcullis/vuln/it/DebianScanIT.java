package dev.portcullis.vuln.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian image (debootstrap bookworm plus apt-installed Python, Java and Go packages)
 * matched against Debian records written from the Debian security tracker's facts and the real
 * OSV corpus: OS packages match by source package in their own release, Debian's backported fix
 * is recognised, and language packages Debian installed are left to Debian's feed even where an
 * upstream advisory covers their version.
 */
class DebianScanIT {
  // the same package set as the catalog module's acceptance image, so both share one cached image
  private static final List<String> EXTRA = List.of("libjackson2-databind-java", "python3-requests", "python3-yaml", "skopeo");

  @TempDir Path tmp;

  @Test
  void osPackagesBySourceAndLanguagePackagesThroughTheirOsPackage() throws IOException, URISyntaxException {
    Path debianRecords = Path.of(DebianScanIT.class.getResource("debian").toURI());
    List<Path> inputs = new ArrayList<>(Corpus.osvFiles());
    inputs.add(debianRecords);
    Path file = tmp.resolve("db");
    assertThat(new DatabaseImporter(ImportOptions.defaults()).importInto(file, inputs).problems()).isEmpty();

    DebootstrapWithPackages.Image debian = DebootstrapWithPackages.of(EXTRA);
    try (Database db = Database.open(file);
        Image image = Images.open(new ImageSource.OciLayout(debian.layout(), null), ReadOptions.defaults())) {
      Catalog catalog = Catalog.read(image, new LayerScanner(null, 1_000_000), Catalogers.defaults(), tmp);
      VulnerabilityMatcher matcher = new VulnerabilityMatcher(db);
      List<Finding.Vulnerability> findings = matcher.match(catalog, i -> image.layers().get(i).createdBy()).findings();

      // every binary package built from glibc carries the glibc record; apt its own
      List<String> glibcBinaries = catalog.packages().stream().filter(p -> p.ecosystem() == Ecosystem.DEBIAN)
          .filter(p -> p.sourceIfAny().map(s -> s.name().equals("glibc")).orElse(false)).map(Package::name).sorted().toList();
      assertThat(glibcBinaries).contains("libc6", "libc-bin");
      assertThat(findings).filteredOn(f -> f.id().equals("DEBIAN-CVE-2010-4756")).extracting(f -> f.pkg().name())
          .containsExactlyInAnyOrderElementsOf(glibcBinaries);
      assertThat(findings).filteredOn(f -> f.id().equals("DEBIAN-CVE-2011-3374")).extracting(f -> f.pkg().name())
          .containsExactlyInAnyOrder("apt", "libapt-pkg6.0");
      assertThat(findings).filteredOn(f -> f.id().equals("DEBIAN-CVE-2011-3374") && f.pkg().name().equals("apt")).singleElement().satisfies(f -> {
        assertThat(f.severity()).isEqualTo(Severity.LOW);
        assertThat(f.status()).isEqualTo(Finding.Vulnerability.Status.NOT_FIXED);
        assertThat(f.aliases()).contains("CVE-2011-3374");
        assertThat(f.matchedBy()).isEqualTo("dpkg-matcher");
        assertThat(f.layerCreatedBy()).isNotBlank();
      });
      // Debian fixed CVE-2026-4438 in the glibc this image has; a record naming a binary package never matches
      assertThat(findings).extracting(Finding.Vulnerability::id).doesNotContain("DEBIAN-CVE-2026-4438", "DECOY-BINARY-NAME");

      // Debian installed requests, urllib3 and jackson-databind: upstream advisories cover their versions, but Debian's feed decides
      Package requests = language(catalog, Ecosystem.PYPI, "requests");
      Package jackson = language(catalog, Ecosystem.MAVEN, "jackson-databind");
      assertThat(requests.managedBy()).isEqualTo("python3-requests");
      assertThat(jackson.managedBy()).isEqualTo("libjackson2-databind-java");
      assertThat(findings).allSatisfy(f -> assertThat(f.pkg().ecosystem().isOs()).as(f.id() + " on " + f.pkg().purl()).isTrue());
      // the control: the same packages, not installed by Debian, would match
      Catalog unmanaged = new Catalog(catalog.distro(), List.of(unmanaged(requests), unmanaged(jackson)), List.of());
      assertThat(matcher.match(unmanaged, i -> Optional.empty()).findings()).extracting(f -> f.pkg().name() + " " + f.id())
          .contains("requests GHSA-j8r2-6x86-q33q", "requests GHSA-9wx4-h78v-vm56", "jackson-databind CVE-2023-35116");
    }
  }

  private static Package language(Catalog catalog, Ecosystem ecosystem, String name) {
    return catalog.packages().stream().filter(p -> p.ecosystem() == ecosystem && p.name().equalsIgnoreCase(name)).findFirst().orElseThrow();
  }

  private static Package unmanaged(Package p) {
    return new Package(p.name(), p.namespace(), p.version(), p.ecosystem(), p.purl(), p.foundBy(), p.locations(), p.source(), null, p.metadata());
  }
}
