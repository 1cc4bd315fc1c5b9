package dev.portcullis.catalog.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.alpm.AlpmCataloger;
import dev.portcullis.catalog.conan.ConanCataloger;
import dev.portcullis.catalog.dart.PubspecLockCataloger;
import dev.portcullis.catalog.elixir.MixLockCataloger;
import dev.portcullis.catalog.haskell.HaskellCataloger;
import dev.portcullis.catalog.homebrew.HomebrewCataloger;
import dev.portcullis.catalog.lua.LuaRocksCataloger;
import dev.portcullis.catalog.nix.NixStoreCataloger;
import dev.portcullis.catalog.php.PearCataloger;
import dev.portcullis.catalog.portage.PortageCataloger;
import dev.portcullis.catalog.r.RPackageCataloger;
import dev.portcullis.catalog.swift.PackageResolvedCataloger;
import dev.portcullis.catalog.swift.PodfileLockCataloger;
import dev.portcullis.catalog.wordpress.WordpressPluginCataloger;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  // every ecosystem the catalogers added for issue 18, from their fixtures, survives both writers and the reader with its PURL and ecosystem
  @Test
  void packagesOfEachNewEcosystemReadBackWithTheirPurlAndEcosystem() throws IOException {
    Map<Cataloger, String> fixtures = new LinkedHashMap<>();
    fixtures.put(new AlpmCataloger(), "/dev/portcullis/catalog/alpm/arch");
    fixtures.put(new PortageCataloger(), "/dev/portcullis/catalog/portage/gentoo");
    fixtures.put(new PubspecLockCataloger(), "/dev/portcullis/catalog/dart/locks");
    fixtures.put(new MixLockCataloger(), "/dev/portcullis/catalog/elixir/locks");
    fixtures.put(new PackageResolvedCataloger(), "/dev/portcullis/catalog/swift/resolved");
    fixtures.put(new PodfileLockCataloger(), "/dev/portcullis/catalog/swift/pods");
    fixtures.put(new ConanCataloger(), "/dev/portcullis/catalog/conan");
    fixtures.put(new HaskellCataloger(), "/dev/portcullis/catalog/haskell");
    fixtures.put(new RPackageCataloger(), "/dev/portcullis/catalog/r/library");
    fixtures.put(new LuaRocksCataloger(), "/dev/portcullis/catalog/lua/tree");
    fixtures.put(new PearCataloger(), "/dev/portcullis/catalog/php/pear");
    fixtures.put(new WordpressPluginCataloger(), "/dev/portcullis/catalog/wordpress/site");
    fixtures.put(new NixStoreCataloger(), "/dev/portcullis/catalog/nix/store");
    fixtures.put(new HomebrewCataloger(), "/dev/portcullis/catalog/homebrew/linuxbrew");
    fixtures.put(new EmbeddedSbomCataloger(), "/dev/portcullis/catalog/sbom/embedded");
    List<Package> packages = new ArrayList<>();
    for (var f : fixtures.entrySet()) {
      packages.addAll(FixtureTrees.catalog(f.getKey(), f.getValue(), Files.createTempDirectory(tmp, "fixture")).packages());
    }
    Catalog catalog = new Catalog(Optional.empty(), packages, List.of());
    assertThat(packages).extracting(Package::ecosystem).contains(Ecosystem.ALPM, Ecosystem.PORTAGE, Ecosystem.PUB, Ecosystem.HEX, Ecosystem.SWIFT,
        Ecosystem.COCOAPODS, Ecosystem.CONAN, Ecosystem.HACKAGE, Ecosystem.CRAN, Ecosystem.LUAROCKS, Ecosystem.PEAR, Ecosystem.WORDPRESS_PLUGIN,
        Ecosystem.NIX, Ecosystem.HOMEBREW, Ecosystem.BITNAMI);
    Digest image = Digest.sha256("image".getBytes());
    List<Tuple> expected = packages.stream().map(p -> Tuple.tuple(p.purl(), p.ecosystem(), p.version())).toList();
    Catalog fromCdx = SbomReader.read(Files.writeString(tmp.resolve("new.cdx.json"), CycloneDx.write(catalog, "test-image", image, "test")));
    assertThat(fromCdx.packages()).extracting(Package::purl, Package::ecosystem, Package::version).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(fromCdx.unknowns()).isEmpty();
    Catalog fromSpdx = SbomReader.read(Files.writeString(tmp.resolve("new.spdx.json"), Spdx.write(catalog, "test-image", image, "test")));
    assertThat(fromSpdx.packages()).extracting(Package::purl, Package::ecosystem).containsExactlyInAnyOrderElementsOf(
        packages.stream().map(p -> Tuple.tuple(p.purl(), p.ecosystem())).toList());
  }
}
