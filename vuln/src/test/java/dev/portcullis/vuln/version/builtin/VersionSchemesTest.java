package dev.portcullis.vuln.version.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Ecosystem;
import dev.portcullis.vuln.version.VersionScheme;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionSchemesTest {

  @Test
  void namesAreUniqueKebabCase() {
    assertThat(VersionSchemes.all()).extracting(VersionScheme::name).doesNotHaveDuplicates()
        .allMatch(n -> n.matches("[a-z0-9]+(-[a-z0-9]+)*"));
  }

  @Test
  void everyEcosystemHasABuiltInScheme() {
    assertThat(Arrays.stream(Ecosystem.values()).map(VersionSchemes::forEcosystem))
        .allMatch(VersionSchemes.all()::contains);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "Debian, dpkg", "Debian:12, dpkg", "Ubuntu, dpkg", "Ubuntu:22.04:LTS, dpkg",
      "Alpine, apk", "Alpine:v3.20, apk", "Wolfi, apk", "Chainguard, apk",
      "Red Hat, rpm", "Red Hat:enterprise_linux:9::appstream, rpm", "Rocky Linux, rpm", "Rocky Linux:9, rpm",
      "AlmaLinux, rpm", "AlmaLinux:8, rpm", "SUSE, rpm", "SUSE:Linux Enterprise Server 15 SP5, rpm",
      "Maven, maven", "npm, semver", "PyPI, pep440", "Go, go", "crates.io, cargo",
      "RubyGems, rubygems", "NuGet, nuget", "Packagist, composer", "Bitnami, semver", "Pub, semver", "Hex, semver", "SwiftURL, semver", "ConanCenter, dpkg", "Hackage, dpkg", "CRAN, dpkg"})
  void osvEcosystemNames(String osv, String scheme) {
    assertThat(VersionSchemes.forOsvEcosystem(osv)).map(VersionScheme::name).contains(scheme);
  }

  @Test
  void unknownOsvEcosystemsHaveNoScheme() {
    assertThat(VersionSchemes.forOsvEcosystem("GHC")).isEmpty();
    assertThat(VersionSchemes.forOsvEcosystem("debian")).isEmpty();
    assertThat(VersionSchemes.forOsvEcosystem("")).isEmpty();
  }

  @Test
  void mavenOsvEcosystemOrdersFourPartVersions() throws Exception {
    VersionScheme maven = VersionSchemes.forOsvEcosystem("Maven").orElseThrow();
    assertThat(maven.parse("2.9.10.8")).isGreaterThan(maven.parse("2.9.10"));
  }

  // as in node-fetch's range (1.0), Go's stdlib range (1.22.0-0) and OSV's Go versions without their v
  @ParameterizedTest(name = "{0}: {1} {3} {2}")
  @CsvSource({"npm, 1.0, 1.0.0, =", "npm, 2, 2.0.0-0, >", "npm, 1.0-beta, 1.0.0, <", "Go, 1.22.0-0, v1.22.0-0, =",
      "Go, 0.12.0, v0.12, =", "crates.io, 1, 1.0.0, ="})
  void osvEcosystemsCompleteTheShortVersionsOsvRecordsWriteAndPrintThemAsWritten(String osv, String written, String full, String op)
      throws Exception {
    VersionScheme scheme = VersionSchemes.forOsvEcosystem(osv).orElseThrow();
    assertThat(scheme.parse(written).toString()).isEqualTo(written);
    assertThat(scheme.parse(written).scheme()).isSameAs(scheme);
    assertThat(scheme.parse(written).compareTo(scheme.parse(full))).isEqualTo(switch (op) {
      case "<" -> -1;
      case ">" -> 1;
      default -> 0;
    });
  }

  // PVP (Hackage: a version is a prefix-first list of numbers) and Conan (openssl's letter releases), as their tools order them
  @ParameterizedTest(name = "{0}: {1} < {2}")
  @CsvSource({"Hackage, 1.0, 1.0.0", "Hackage, 1.9, 1.10", "Hackage, 0.6.3.0, 0.6.10", "Hackage, 2.1.2.1, 2.2",
      "ConanCenter, 1.1.1s, 1.1.1t", "ConanCenter, 3.0.9, 3.0.10", "ConanCenter, 1.1.1w, 3.0.0", "CRAN, 1.2-3, 1.2.4", "CRAN, 1.9-1, 1.10-0", "CRAN, 6.0-88, 6.0-94"})
  void ecosystemsOrderedByDpkgsRuleCompareAsTheirToolsDo(String osv, String lower, String higher) throws Exception {
    VersionScheme scheme = VersionSchemes.forOsvEcosystem(osv).orElseThrow();
    assertThat(scheme.parse(lower)).isLessThan(scheme.parse(higher));
  }
}
