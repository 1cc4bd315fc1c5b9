package dev.portcullis.vuln.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Ecosystem;
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
      "RubyGems, rubygems", "NuGet, nuget", "Packagist, composer"})
  void osvEcosystemNames(String osv, String scheme) {
    assertThat(VersionSchemes.forOsvEcosystem(osv)).map(VersionScheme::name).contains(scheme);
  }

  @Test
  void unknownOsvEcosystemsHaveNoScheme() {
    assertThat(VersionSchemes.forOsvEcosystem("Hackage")).isEmpty();
    assertThat(VersionSchemes.forOsvEcosystem("debian")).isEmpty();
    assertThat(VersionSchemes.forOsvEcosystem("")).isEmpty();
  }

  @Test
  void mavenOsvEcosystemOrdersFourPartVersions() throws Exception {
    VersionScheme maven = VersionSchemes.forOsvEcosystem("Maven").orElseThrow();
    assertThat(maven.compare("2.9.10.8", "2.9.10")).isPositive();
  }
}
