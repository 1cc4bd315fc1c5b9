package dev.portcullis.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

/** What users control (severity, unfixed, ignore file, VEX) and what they read (table, JSON, SARIF, CycloneDX VDR). */
class ReportTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 29);
  private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
  private static final Package LOG4J = pkg("log4j-core", "org.apache.logging.log4j", "2.14.1", Ecosystem.MAVEN,
      "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar");
  private static final Package LODASH = pkg("lodash", "", "4.17.15", Ecosystem.NPM, "pkg:npm/lodash@4.17.15", "/app/node_modules/lodash/package.json");
  private static final Package MINIMIST = pkg("minimist", "", "1.2.0", Ecosystem.NPM, "pkg:npm/minimist@1.2.0", "/app/node_modules/minimist/package.json");
  private static final Package AXIOS = pkg("axios", "", "0.21.0", Ecosystem.NPM, "pkg:npm/axios@0.21.0", "/app/node_modules/axios/package.json");

  private static final Finding.Vulnerability LOG4SHELL = finding("GHSA-jfh8-c2jp-5v3q", List.of("CVE-2021-44228"), LOG4J, "2.15.0", Severity.CRITICAL, 10.0,
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", true);
  private static final Finding.Vulnerability LODASH_TEMPLATE = finding("GHSA-p6mc-m468-83gw", List.of("CVE-2020-8203"), LODASH, "4.17.19", Severity.HIGH, null, null, false);
  private static final Finding.Vulnerability LODASH_CMD = finding("GHSA-35jh-r3h4-6jhm", List.of("CVE-2021-23337"), LODASH, "4.17.21", Severity.HIGH, null, null, false);
  private static final Finding.Vulnerability MINIMIST_PP = finding("GHSA-vh95-rmgr-6w4m", List.of("CVE-2020-7598"), MINIMIST, "1.2.3", Severity.MEDIUM, null, null, false);
  private static final Finding.Vulnerability AXIOS_SSRF = finding("GHSA-4w2v-q235-vp99", List.of("CVE-2020-28168"), AXIOS, "0.21.1", Severity.MEDIUM, null, null, false);
  private static final Finding.Vulnerability AXIOS_REDOS = finding("GHSA-cph5-m8f7-6c5x", List.of("CVE-2021-3749"), AXIOS, "0.21.2", Severity.HIGH, null, null, false);
  private static final Finding.Vulnerability UNFIXED = new Finding.Vulnerability("CVE-2099-0001", List.of(), MINIMIST, "1.2.0", null, Severity.LOW, null, null,
      null, null, false, Finding.Vulnerability.Status.NOT_FIXED, "", "npm-matcher", null);
  private static final List<Finding.Vulnerability> ALL = List.of(MINIMIST_PP, LOG4SHELL, LODASH_TEMPLATE, AXIOS_SSRF, LODASH_CMD, AXIOS_REDOS, UNFIXED);

  private static Package pkg(String name, String ns, String version, Ecosystem eco, String purl, String path) {
    return new Package(name, ns, version, eco, purl, "test-cataloger", List.of(new Location(path, 1, LAYER)), null, null, Map.of());
  }

  private static Finding.Vulnerability finding(String id, List<String> aliases, Package p, String fixed, Severity s, Double score, String vector, boolean kev) {
    return new Finding.Vulnerability(id, aliases, p, p.version(), fixed, s, score, vector, kev ? 0.9447 : 0.01, 0.99, kev,
        Finding.Vulnerability.Status.FIXED, "summary of " + id, "test-matcher", "COPY app /app");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ReportTest.class.getResource(name).toURI());
  }

  private static List<String> ids(List<Finding.Vulnerability> fs) {
    return fs.stream().map(Finding.Vulnerability::id).toList();
  }

  @Test
  void mostSevereFirstAndFiltersBySeverityAndFix() {
    assertThat(ids(NoiseControl.none(TODAY).apply(ALL).shown())).containsExactly("GHSA-jfh8-c2jp-5v3q", "GHSA-cph5-m8f7-6c5x",
        "GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw", "GHSA-4w2v-q235-vp99", "GHSA-vh95-rmgr-6w4m", "CVE-2099-0001");
    assertThat(ids(new NoiseControl(Severity.HIGH, false, List.of(), List.of(), TODAY).apply(ALL).shown()))
        .containsExactlyInAnyOrder("GHSA-jfh8-c2jp-5v3q", "GHSA-cph5-m8f7-6c5x", "GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw");
    assertThat(ids(new NoiseControl(Severity.UNKNOWN, true, List.of(), List.of(), TODAY).apply(ALL).shown())).doesNotContain("CVE-2099-0001");
  }

  @Test
  void ignoreEntriesApplyByAliasAndPackageUntilTheyExpire() throws Exception {
    List<IgnoreRule> rules = IgnoreFile.read(resource("portcullisignore.yaml"));
    NoiseControl.Outcome o = new NoiseControl(Severity.UNKNOWN, false, rules, List.of(), TODAY).apply(ALL);
    assertThat(ids(o.suppressed().stream().map(Suppression::finding).toList()))
        .containsExactlyInAnyOrder("GHSA-jfh8-c2jp-5v3q", "GHSA-vh95-rmgr-6w4m", "CVE-2099-0001");
    assertThat(o.suppressed()).filteredOn(s -> s.finding() == LOG4SHELL).singleElement()
        .satisfies(s -> assertThat(s.reason()).contains("JndiLookup.class removed").contains("until 2027-06-30"));
    // the lodash entry expired at the end of January: it no longer applies, and the report says so
    assertThat(ids(o.shown())).contains("GHSA-p6mc-m468-83gw");
    assertThat(o.expired()).extracting(IgnoreRule::id).containsExactly("GHSA-p6mc-m468-83gw");
    assertThat(new NoiseControl(Severity.UNKNOWN, false, rules, List.of(), LocalDate.of(2026, 1, 31)).apply(ALL).shown())
        .doesNotContain(LODASH_TEMPLATE);
  }

  @Test
  void aMalformedIgnoreFileIsRefusedInOneLine() throws Exception {
    Path noReason = resource("ignore-entry-without-reason.yaml");
    assertThatThrownBy(() -> IgnoreFile.read(noReason))
        .hasMessage("read ignore file " + noReason + ": ignore-entry-without-reason.yaml entry 1: an ignore entry needs a reason");
    assertThatThrownBy(() -> IgnoreFile.read(resource("ignore-with-bad-date.yaml"))).hasMessageEndingWith("expires 'next year' is not a date (YYYY-MM-DD)");
  }

  @Test
  void vexNotAffectedSuppressesAndOtherStatusesDoNot() throws Exception {
    List<VexDocument> vex = List.of(VexReader.read(resource("openvex-not-affected.json")), VexReader.read(resource("cyclonedx-vex.json")));
    assertThat(vex).flatExtracting(VexDocument::statements).extracting(VexStatement::vulnerability, VexStatement::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("CVE-2020-8203", VexStatus.NOT_AFFECTED), org.assertj.core.groups.Tuple.tuple("CVE-2021-23337", VexStatus.AFFECTED),
        org.assertj.core.groups.Tuple.tuple("CVE-2020-28168", VexStatus.NOT_AFFECTED), org.assertj.core.groups.Tuple.tuple("CVE-2021-3749", VexStatus.AFFECTED));
    NoiseControl.Outcome o = new NoiseControl(Severity.UNKNOWN, false, List.of(), vex, TODAY).apply(ALL);
    assertThat(o.suppressed()).extracting(s -> s.finding().id(), Suppression::reason).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("GHSA-p6mc-m468-83gw", "not affected (VEX openvex-not-affected.json): vulnerable_code_not_in_execute_path"),
        org.assertj.core.groups.Tuple.tuple("GHSA-4w2v-q235-vp99", "not affected (VEX cyclonedx-vex.json): protected_by_mitigating_control"));
    assertThat(ids(o.shown())).contains("GHSA-35jh-r3h4-6jhm", "GHSA-cph5-m8f7-6c5x");
  }

  private static ScanReport report() {
    NoiseControl.Outcome o = NoiseControl.none(TODAY).apply(ALL);
    return new ScanReport("registry.example/app:1", Digest.sha256("image".getBytes(StandardCharsets.UTF_8)),
        Optional.of(new Distro("debian", "12", "Debian GNU/Linux 12 (bookworm)", List.of())), 4, o.shown(), o.suppressed(), o.expired(), null, List.of());
  }

  @Test
  void sarifHasOneRulePerAdvisoryAndOneResultPerPackage() throws IOException {
    JsonNode sarif = new ObjectMapper().readTree(Sarif.write(report(), "test"));
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    JsonNode run = sarif.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("rules")).hasSize(7);
    assertThat(run.path("results")).hasSize(7);
    JsonNode first = run.path("results").get(0);
    assertThat(first.path("ruleId").asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
    assertThat(first.path("level").asText()).isEqualTo("error");
    assertThat(first.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText())
        .isEqualTo("app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar");
    JsonNode rule = run.path("tool").path("driver").path("rules").get(first.path("ruleIndex").asInt());
    assertThat(rule.path("id").asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
    assertThat(rule.path("properties").path("security-severity").asText()).isEqualTo("10.0");
    assertThat(first.path("message").path("text").asText()).contains("CVE-2021-44228").contains("fixed in 2.15.0").contains("CISA KEV");
  }

  @Test
  void cycloneDxVdrValidatesAndNamesWhatEachAdvisoryAffects() throws IOException {
    String vdr = Vdr.write(report(), "test");
    assertThat(new JsonParser().validate(vdr.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).isEmpty();
    JsonNode root = new ObjectMapper().readTree(vdr);
    assertThat(root.path("vulnerabilities")).hasSize(7);
    JsonNode log4shell = root.path("vulnerabilities").get(0);
    assertThat(log4shell.path("id").asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
    assertThat(log4shell.path("references").get(0).path("id").asText()).isEqualTo("CVE-2021-44228");
    assertThat(log4shell.path("affects").get(0).path("ref").asText()).isEqualTo(LOG4J.purl() + "#" + LOG4J.location().path());
    assertThat(log4shell.path("ratings").get(0).path("vector").asText()).startsWith("CVSS:3.1/");
    assertThat(root.path("components")).hasSize(4);
  }

  @Test
  void theTableGroupsByPackageMostSevereFirst() {
    String table = ReportTable.of(report());
    assertThat(table).contains("7 vulnerabilities (1 critical, 3 high, 2 medium, 1 low)");
    assertThat(table).contains("org.apache.logging.log4j:log4j-core 2.14.1", "axios 0.21.0", "minimist 1.2.0");
    assertThat(table.indexOf("org.apache.logging.log4j:log4j-core 2.14.1")).isLessThan(table.indexOf("axios 0.21.0"));
    assertThat(table.indexOf("axios 0.21.0")).isLessThan(table.indexOf("minimist 1.2.0"));
    assertThat(table).contains("CRITICAL GHSA-jfh8-c2jp-5v3q").contains("KEV");
  }
}
