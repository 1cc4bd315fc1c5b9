package dev.portcullis.vuln.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportReport;
import dev.portcullis.vuln.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every advisory of the real OSV corpus, imported, matched against installed versions: the versions
 * its ranges cover are reported, the versions around them are not. The expected IDs were worked out
 * by hand from each record's ranges.
 */
class CorpusMatchTest {
  private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
  @TempDir static Path tmp;
  static Database db;

  @BeforeAll
  static void importCorpus() throws Exception {
    Path file = tmp.resolve("db");
    ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(file, Corpus.osvFiles());
    assertThat(report.problems()).isEmpty();
    db = Database.open(file);
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  private static Set<String> matched(Ecosystem ecosystem, String namespace, String name, String version, Package.SourcePackage source, Distro distro)
      throws Exception {
    String purl = "pkg:" + ecosystem.purlType() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name + "@" + version;
    Package p = new Package(name, namespace, version, ecosystem, purl, "test", List.of(new Location("/x", 0, LAYER)), source, null, Map.of());
    Catalog catalog = new Catalog(Optional.ofNullable(distro), List.of(p), List.of());
    return new VulnerabilityMatcher(db).match(catalog, i -> Optional.empty()).findings().stream().map(Finding.Vulnerability::id)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> ids(String ids) {
    return ids.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(ids.trim().split(" ")));
  }

  @ParameterizedTest(name = "{0} {1}/{2} {3} → [{4}]")
  @CsvSource(delimiter = ';', nullValues = "-", value = {
      // log4j-core: four records, each with its own ranges; 2.0-beta7 starts one of them
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.14.1; GHSA-jfh8-c2jp-5v3q GHSA-7rjr-3q55-vv33 GHSA-8489-44mv-ggj8 GHSA-p6xc-xr62-6r2g",
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.17.0; GHSA-8489-44mv-ggj8",
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.17.1; ",
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.12.2; GHSA-8489-44mv-ggj8 GHSA-p6xc-xr62-6r2g",
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.3.1; GHSA-7rjr-3q55-vv33 GHSA-8489-44mv-ggj8",
      "MAVEN; org.apache.logging.log4j; log4j-core; 2.0-beta6; GHSA-jfh8-c2jp-5v3q GHSA-7rjr-3q55-vv33 GHSA-p6xc-xr62-6r2g",
      // jackson-databind: a four-part fixed version (2.9.9.1) sorts above 2.9.9
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.9.8; GHSA-5ww9-j83m-q7qx GHSA-mph4-vhrx-mv67 GHSA-57j2-w4cx-62h2",
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.9.9; GHSA-mph4-vhrx-mv67 GHSA-57j2-w4cx-62h2",
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.9.9.1; GHSA-57j2-w4cx-62h2",
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.13.2; GHSA-57j2-w4cx-62h2",
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.13.2.1; ",
      "MAVEN; com.fasterxml.jackson.core; jackson-databind; 2.12.6.1; ",
      // spring-beans: .RELEASE versions
      "MAVEN; org.springframework; spring-beans; 5.3.17; GHSA-36p3-wjmg-h94x",
      "MAVEN; org.springframework; spring-beans; 5.3.18; ",
      "MAVEN; org.springframework; spring-beans; 5.2.19.RELEASE; GHSA-36p3-wjmg-h94x",
      "MAVEN; org.springframework; spring-beans; 5.2.20.RELEASE; ",
      "MAVEN; org.apache.commons; commons-text; 1.9; GHSA-599f-7c49-w659",
      "MAVEN; org.apache.commons; commons-text; 1.4; ",
      "MAVEN; org.apache.commons; commons-text; 1.10.0; ",
      // guava: -jre and -android flavours against fixed 32.0.0-android and 32.0.0
      "MAVEN; com.google.guava; guava; 31.1-jre; GHSA-5mg8-w23w-74h3 GHSA-7g45-4rm6-3mm3",
      "MAVEN; com.google.guava; guava; 32.0.0-jre; ",
      "MAVEN; com.google.guava; guava; 32.0.0-android; ",
      "MAVEN; org.yaml; snakeyaml; 1.33; GHSA-mjmj-j48q-9wg2",
      "MAVEN; org.yaml; snakeyaml; 2.0; ",
      "NPM; ; lodash; 4.17.15; GHSA-35jh-r3h4-6jhm GHSA-p6mc-m468-83gw",
      "NPM; ; lodash; 4.17.20; GHSA-35jh-r3h4-6jhm",
      "NPM; ; lodash; 4.17.21; ",
      "NPM; ; minimist; 1.2.0; GHSA-vh95-rmgr-6w4m GHSA-xvch-5gv4-984h",
      "NPM; ; minimist; 1.2.5; GHSA-xvch-5gv4-984h",
      "NPM; ; minimist; 1.2.6; ",
      "NPM; ; minimist; 0.2.1; GHSA-xvch-5gv4-984h",
      "NPM; ; axios; 0.21.0; GHSA-4w2v-q235-vp99 GHSA-cph5-m8f7-6c5x",
      "NPM; ; axios; 0.21.1; GHSA-cph5-m8f7-6c5x",
      "NPM; ; axios; 0.21.2; ",
      // node-fetch: one range starts at "1.0", which is not a full SemVer version
      "NPM; ; node-fetch; 2.6.7; GHSA-r683-j2x4-v87g",
      "NPM; ; node-fetch; 2.6.0; GHSA-r683-j2x4-v87g GHSA-w7rc-rwvf-8q5r",
      "NPM; ; node-fetch; 3.0.0; GHSA-r683-j2x4-v87g",
      "NPM; ; node-fetch; 3.0.0-beta.8; GHSA-r683-j2x4-v87g GHSA-w7rc-rwvf-8q5r",
      "NPM; ; node-fetch; 3.1.1; ",
      // last_affected is inclusive
      "NPM; ; request; 2.88.2; GHSA-p8p7-x288-28g6",
      "NPM; ; request; 2.88.3; ",
      "NPM; @cypress; request; 2.88.11; GHSA-p8p7-x288-28g6",
      "NPM; @cypress; request; 2.88.12; ",
      // explicit versions
      "NPM; ; ua-parser-js; 0.7.29; GHSA-pjwm-rvh2-c87w",
      "NPM; ; ua-parser-js; 0.7.28; ",
      "NPM; ; ua-parser-js; 0.7.30; ",
      "NPM; ; json5; 2.2.1; GHSA-9c47-m6qq-7p4h",
      "NPM; ; json5; 1.0.1; GHSA-9c47-m6qq-7p4h",
      "NPM; ; json5; 1.0.2; ",
      // PyPI names per PEP 503: the Jinja2 and jinja2 records both apply
      "PYPI; ; Jinja2; 2.11.2; GHSA-g3rq-g295-4j3m GHSA-q2x7-8rv6-6q7h",
      "PYPI; ; jinja2; 3.1.4; GHSA-q2x7-8rv6-6q7h",
      "PYPI; ; Jinja2; 3.1.5; ",
      "PYPI; ; PyYAML; 5.3.1; GHSA-8q59-q68h-6hv4",
      "PYPI; ; pyyaml; 5.4; ",
      "PYPI; ; requests; 2.30.0; GHSA-j8r2-6x86-q33q GHSA-9wx4-h78v-vm56",
      "PYPI; ; requests; 2.31.0; GHSA-9wx4-h78v-vm56",
      "PYPI; ; requests; 2.32.2; ",
      "PYPI; ; urllib3; 1.26.4; GHSA-q2q7-5pp4-w6pg GHSA-gm62-xv2j-4w53",
      "PYPI; ; urllib3; 1.26.5; GHSA-gm62-xv2j-4w53",
      "PYPI; ; urllib3; 1.23; ",
      "PYPI; ; urllib3; 2.6.0; ",
      // Go: module versions carry a v, OSV's do not; stdlib's second range starts at 1.22.0-0
      "GO; golang.org/x; net; v0.12.0; GO-2023-1988",
      "GO; golang.org/x; net; v0.13.0; ",
      "GO; golang.org/x; crypto; v0.16.0; GO-2023-2402",
      "GO; golang.org/x; crypto; v0.17.0; ",
      "GO; ; stdlib; v1.21.10; GO-2024-2887",
      "GO; ; stdlib; v1.21.11; ",
      "GO; ; stdlib; v1.22.0; GO-2024-2887",
      "GO; ; stdlib; v1.22.3; GO-2024-2887",
      "GO; ; stdlib; v1.22.4; ",
      // withdrawn records are never reported
      "GO; k8s.io; kubernetes; v1.20.0; ",
      "GO; github.com/gravitational; teleport; v15.0.0; "})
  void languagePackages(Ecosystem ecosystem, String namespace, String name, String version, String expected) throws Exception {
    String ns = namespace == null ? "" : namespace;
    // Go packages are named by their whole module path
    String n = ecosystem == Ecosystem.GO && !ns.isEmpty() ? ns + "/" + name : name;
    assertThat(matched(ecosystem, ecosystem == Ecosystem.GO ? "" : ns, n, version, null, null)).isEqualTo(ids(expected == null ? "" : expected));
  }

  @Test
  void osPackagesMatchTheirOwnReleaseBySourcePackage() throws Exception {
    Distro alpine320 = new Distro("alpine", "3.20.3", "Alpine Linux v3.20", List.of());
    Distro alpine321 = new Distro("alpine", "3.21.0", "Alpine Linux v3.21", List.of());
    Package.SourcePackage musl = new Package.SourcePackage("musl", "");
    assertThat(matched(Ecosystem.ALPINE, "alpine", "musl", "1.2.5-r0", musl, alpine320)).containsExactly("ALPINE-CVE-2025-26519");
    assertThat(matched(Ecosystem.ALPINE, "alpine", "musl", "1.2.5-r1", musl, alpine320)).isEmpty();
    // the same version in the next release, whose fix came later
    assertThat(matched(Ecosystem.ALPINE, "alpine", "musl", "1.2.5-r1", musl, alpine321)).containsExactly("ALPINE-CVE-2025-26519");
    assertThat(matched(Ecosystem.ALPINE, "alpine", "musl-utils", "1.2.5-r0", musl, alpine320)).containsExactly("ALPINE-CVE-2025-26519");

    Distro stretch = new Distro("debian", "9", "Debian GNU/Linux 9 (stretch)", List.of());
    // libssl1.1 is built from openssl: the DLA names the source package
    assertThat(matched(Ecosystem.DEBIAN, "debian", "libssl1.1", "1.1.0l-1~deb9u5", new Package.SourcePackage("openssl", "1.1.0l-1~deb9u5"), stretch))
        .containsExactly("DLA-3008-1");
    assertThat(matched(Ecosystem.DEBIAN, "debian", "libssl1.1", "1.1.0l-1~deb9u6", new Package.SourcePackage("openssl", "1.1.0l-1~deb9u6"), stretch))
        .isEmpty();
    // a binary name is not a source name, and another release's feed does not apply
    assertThat(matched(Ecosystem.DEBIAN, "debian", "libssl1.1", "1.1.0l-1~deb9u5", null, stretch)).isEmpty();
    assertThat(matched(Ecosystem.DEBIAN, "debian", "libssl1.1", "1.1.0l-1~deb9u5", new Package.SourcePackage("openssl", "1.1.0l-1~deb9u5"),
        new Distro("debian", "10", "Debian GNU/Linux 10 (buster)", List.of()))).isEmpty();
  }

  @Test
  void oneFindingCarriesEveryIdAndTheNearestFix() throws Exception {
    Package log4j = new Package("log4j-core", "org.apache.logging.log4j", "2.14.1", Ecosystem.MAVEN, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "test", List.of(new Location("/app/log4j-core-2.14.1.jar", 0, LAYER)), null, null, Map.of());
    List<Finding.Vulnerability> found = new VulnerabilityMatcher(db).match(new Catalog(Optional.empty(), List.of(log4j), List.of()),
        i -> Optional.of("COPY app /app")).findings();
    Finding.Vulnerability log4shell = found.stream().filter(f -> f.id().equals("GHSA-jfh8-c2jp-5v3q")).findFirst().orElseThrow();
    assertThat(log4shell.aliases()).contains("CVE-2021-44228");
    assertThat(log4shell.fixedVersion()).isEqualTo("2.15.0");
    assertThat(log4shell.severity()).isEqualTo(dev.portcullis.core.Severity.CRITICAL);
    assertThat(log4shell.cvssScore()).isEqualTo(10.0);
    assertThat(log4shell.layerCreatedBy()).isEqualTo("COPY app /app");
    assertThat(log4shell.matchedBy()).isEqualTo("maven-matcher");
    assertThat(found.get(0).severity()).isEqualTo(dev.portcullis.core.Severity.CRITICAL);
  }

  @Test
  void aVersionItsSchemeCannotReadIsNotDecidedForEachAdvisoryOfThePackage() throws Exception {
    Package lodash = new Package("lodash", "", "4.17.x", Ecosystem.NPM, "pkg:npm/lodash@4.17.x", "test", List.of(new Location("/x", 0, LAYER)),
        null, null, Map.of());
    VulnerabilityMatcher.Result result = new VulnerabilityMatcher(db).match(new Catalog(Optional.empty(), List.of(lodash), List.of()),
        i -> Optional.empty());
    assertThat(result.findings()).isEmpty();
    assertThat(result.notes()).containsExactly(
        "GHSA-35jh-r3h4-6jhm for npm/lodash 4.17.x: not decided: '4.17.x' is not a semver version",
        "GHSA-p6mc-m468-83gw for npm/lodash 4.17.x: not decided: '4.17.x' is not a semver version");
  }

  @Test
  void languagePackagesTheOsInstalledAreLeftToTheOsPackage() throws Exception {
    Package jackson = new Package("jackson-databind", "com.fasterxml.jackson.core", "2.9.8", Ecosystem.MAVEN,
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8", "test", List.of(new Location("/usr/share/java/jackson-databind.jar", 0, LAYER)),
        null, "libjackson2-databind-java", Map.of());
    assertThat(new VulnerabilityMatcher(db).match(new Catalog(Optional.empty(), List.of(jackson), List.of()), i -> Optional.empty()).findings()).isEmpty();
  }
}
