package dev.portcullis.catalog.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SbomRoundTripTest {
  @TempDir Path tmp;

  private static final Digest LAYER = Digest.sha256("layer".getBytes());
  private static final Catalog CATALOG = new Catalog(Optional.of(new Distro("debian", "12", "Debian GNU/Linux 12 (bookworm)", List.of())), List.of(
      new Package("libc6", "debian", "2.36-9+deb12u4", Ecosystem.DEBIAN, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
          "dpkg-db-cataloger", List.of(new Location("/var/lib/dpkg/status", 0, LAYER)), new Package.SourcePackage("glibc", "2.36-9+deb12u4"), null, Map.of()),
      new Package("jackson-databind", "com.fasterxml.jackson.core", "2.9.8", Ecosystem.MAVEN, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8",
          "java-archive-cataloger", List.of(new Location("/usr/share/java/jackson-databind.jar", 1, LAYER)), null, "libjackson2-databind-java", Map.of())),
      List.of());

  @Test
  void cycloneDxAndSpdxReadBackToTheSamePackages() throws IOException {
    Digest image = Digest.sha256("image".getBytes());
    Path cdx = Files.writeString(tmp.resolve("bom.cdx.json"), CycloneDx.write(CATALOG, "test-image", image, "test"));
    Catalog fromCdx = SbomReader.read(cdx);
    assertThat(fromCdx.distro().orElseThrow().id()).isEqualTo("debian");
    assertThat(fromCdx.packages()).extracting(Package::purl, Package::version, Package::foundBy, p -> p.location().path(), Package::managedBy)
        .containsExactlyInAnyOrderElementsOf(CATALOG.packages().stream()
            .map(p -> Tuple.tuple(p.purl(), p.version(), p.foundBy(), p.location().path(), p.managedBy())).toList());
    assertThat(fromCdx.packages()).filteredOn(p -> p.name().equals("libc6")).singleElement()
        .satisfies(p -> assertThat(p.source()).isEqualTo(new Package.SourcePackage("glibc", "2.36-9+deb12u4")));
    Path spdx = Files.writeString(tmp.resolve("bom.spdx.json"), Spdx.write(CATALOG, "test-image", image, "test"));
    assertThat(SbomReader.read(spdx).packages()).extracting(Package::purl)
        .containsExactlyInAnyOrder(CATALOG.packages().stream().map(Package::purl).toArray(String[]::new));
  }

  @Test
  void filesThatCouldNotBeCataloguedAreInBothDocuments() throws IOException {
    Catalog withUnknown = new Catalog(CATALOG.distro(), CATALOG.packages(),
        List.of(new Unknown(new Location("/app/broken.jar", 1, LAYER), "java-archive-cataloger", "not a zip archive (no central directory)")));
    SbomAssertions.roundTripsThroughCycloneDx(withUnknown, tmp);
    String spdx = Spdx.write(withUnknown, "test-image", Digest.sha256("image".getBytes()), "test");
    assertThat(spdx).contains("/app/broken.jar (java-archive-cataloger): not a zip archive (no central directory)");
  }

  @Test
  void anRpmEpochGivenOnlyInThePurlIsPartOfTheVersion() throws IOException {
    Path spdx = Files.writeString(tmp.resolve("rpm.spdx.json"), """
        {"spdxVersion": "SPDX-2.3", "packages": [{"name": "hello", "versionInfo": "1.2-3.fc40", "externalRefs": [
          {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
           "referenceLocator": "pkg:rpm/fedora/hello@1.2-3.fc40?arch=noarch&epoch=2"}]}]}
        """);
    assertThat(SbomReader.read(spdx).packages()).singleElement().satisfies(p -> {
      assertThat(p.version()).isEqualTo("2:1.2-3.fc40");
      assertThat(p.name()).isEqualTo("hello");
      assertThat(p.namespace()).isEqualTo("fedora");
    });
  }

  @Test
  void somethingElseIsRefusedInOneLine() throws IOException {
    Path other = Files.writeString(tmp.resolve("x.json"), "{\"hello\": 1}");
    assertThatThrownBy(() -> SbomReader.read(other)).hasMessageContaining("neither a CycloneDX JSON document");
    Path notJson = Files.writeString(tmp.resolve("y.json"), "<bom/>");
    assertThatThrownBy(() -> SbomReader.read(notJson)).hasMessageContaining("not JSON");
  }
}
