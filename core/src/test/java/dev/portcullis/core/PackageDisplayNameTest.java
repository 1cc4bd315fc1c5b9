package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every table names a package as its ecosystem's users write it. */
class PackageDisplayNameTest {
  @ParameterizedTest
  @CsvSource({
      "MAVEN, org.apache.logging.log4j, log4j-core, org.apache.logging.log4j:log4j-core",
      "NPM, @types, node, @types/node",
      "NPM, '', left-pad, left-pad",
      "COMPOSER, monolog, monolog, monolog/monolog",
      "DEBIAN, debian, libc6, libc6",
  })
  void namesAPackageAsItsEcosystemWritesIt(Ecosystem ecosystem, String namespace, String name, String shown) {
    Package p = new Package(name, namespace, "1", ecosystem, "pkg:x/" + name + "@1", "test-cataloger", List.of(new Location("/p", 0, null)), null, null,
        Map.of());
    assertThat(p.displayName()).isEqualTo(shown);
  }
}
