package dev.portcullis.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.vuln.osv.Ecosystems;
import dev.portcullis.vuln.version.builtin.VersionSchemes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackageKeyTest {
  // the OSV ecosystem and name each catalogued package is looked up by, as OSV's records for it write them
  @ParameterizedTest(name = "{0} {1}/{2}@{3} -> {4} {5} {6}")
  @CsvSource({
      "BITNAMI, '', postgresql, 17.2.0-8, Bitnami, postgresql, 17.2.0",
      "BITNAMI, '', redis, 7.2.4, Bitnami, redis, 7.2.4",
      "PUB, '', dio, 5.4.3+1, Pub, dio, 5.4.3+1",
      "HEX, '', plug_crypto, 2.1.0, Hex, plug_crypto, 2.1.0",
      "CONAN, '', openssl, 1.1.1t, ConanCenter, openssl, 1.1.1t",
      "HACKAGE, '', aeson, 2.1.2.1, Hackage, aeson, 2.1.2.1",
      "CRAN, '', commonmark, 1.9.1, CRAN, commonmark, 1.9.1",
      "PEAR, pear.php.net, Archive_Tar, 1.4.14, Packagist, pear/archive_tar, 1.4.14",
      "SWIFT, github.com/apple, swift-nio, 2.64.0, SwiftURL, github.com/apple/swift-nio, 2.64.0"})
  void keyOfEachEcosystemOsvCovers(Ecosystem ecosystem, String namespace, String name, String version, String osv, String osvName,
      String osvVersion) throws Exception {
    Package p = new Package(name, namespace, version, ecosystem, "pkg:x/" + name, "test", List.of(new Location("/x", 0, null)), null, null, Map.of());
    PackageKey key = PackageKey.of(p, null).orElseThrow();
    assertThat(key).extracting(PackageKey::ecosystem, PackageKey::name, PackageKey::version).containsExactly(osv, osvName, osvVersion);
    assertThat(Ecosystems.isKnown(key.ecosystem())).isTrue();
    assertThat(VersionSchemes.forOsvEcosystem(key.ecosystem()).orElseThrow().parse(key.version())).isNotNull();
  }

  // GitHub's paths ignore case: the Package.resolved of one project writes Alamofire/Alamofire, an advisory alamofire/alamofire
  @Test
  void swiftRepositoryUrlsAreLookedUpWhateverTheirCase() {
    assertThat(Ecosystems.normaliseName("SwiftURL", "github.com/Alamofire/Alamofire")).isEqualTo(Ecosystems.normaliseName("SwiftURL", "github.com/alamofire/alamofire"));
  }
}
