package dev.portcullis.rules.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Allowed;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.output.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allowlist entries by path glob, rule ID and fingerprint move findings to the allowed list, with their reason. */
class AllowlistTest {
  @TempDir Path tmp;

  private static final String GITHUB = "gh" + "p_" + FakeSecrets.random(FakeSecrets.ALNUM, 36, 7);
  private static final String STRIPE = "sk" + "_live_" + FakeSecrets.random(FakeSecrets.ALNUM, 32, 8);

  private Report scan() throws IOException {
    Files.createDirectories(tmp.resolve("app/test/fixtures"));
    Files.writeString(tmp.resolve("app/test/fixtures/gh.yml"), "oauth_token: " + GITHUB + "\n");
    Files.writeString(tmp.resolve("app/billing.py"), "stripe.api_key = \"" + STRIPE + "\"\n");
    Files.writeString(tmp.resolve("app/other.py"), "GITHUB_TOKEN = \"" + GITHUB + "\"\n");
    Contents c = Contents.ofPaths("app", List.of(tmp.resolve("app")), new dev.portcullis.rules.content.Interest(SecretChecks.SCANNER.keywords(), p -> false), ReadLimits.DEFAULT);
    return new Engine(SecretChecks.all()).evaluate(c);
  }

  private static Allowlist.Entry entry(String path, String rule, String fingerprint, String reason) {
    return new Allowlist.Entry(Optional.ofNullable(path), Optional.ofNullable(rule), Optional.ofNullable(fingerprint), reason);
  }

  private static List<String> files(List<CheckFinding> findings) {
    return findings.stream().map(f -> Path.of(f.location().display().replaceAll(":\\d+.*", "")).getFileName() + " " + f.id()).toList();
  }

  @Test
  void withoutEntriesEverythingIsReported() throws IOException {
    Report r = scan();
    assertThat(files(r.findings())).containsExactly("billing.py PCS-SECRET-013", "other.py PCS-SECRET-003", "gh.yml PCS-SECRET-003");
    assertThat(Allowlist.NONE.apply(r)).isEqualTo(r);
  }

  @Test
  void anEntryAppliesUntilTheEndOfItsLastDayThenItsFindingsComeBackWithAProblem() throws IOException {
    Path file = tmp.resolve("allow.yaml");
    Files.writeString(file, "allow:\n  - path: \"test/fixtures/**\"\n    reason: fake keys\n    expires: 2026-12-06\n");
    Allowlist allowlist = Allowlist.load(file);
    Report onTheDay = allowlist.apply(scan(), java.time.LocalDate.parse("2026-12-06"));
    assertThat(files(onTheDay.allowed().stream().map(Allowed::finding).toList())).containsExactly("gh.yml PCS-SECRET-003");
    assertThat(onTheDay.problems()).isEmpty();
    Report after = allowlist.apply(scan(), java.time.LocalDate.parse("2026-12-07"));
    assertThat(after.allowed()).isEmpty();
    assertThat(files(after.findings())).contains("gh.yml PCS-SECRET-003");
    assertThat(after.problems()).singleElement().satisfies(p -> assertThat(p.message())
        .isEqualTo("the allowlist entry for path test/fixtures/** expired on 2026-12-06; what it allowed is reported again"));
  }

  @Test
  void anExpiryThatIsNotADateStopsTheRun() throws IOException {
    Path file = tmp.resolve("allow.yaml");
    Files.writeString(file, "allow:\n  - rule: PCS-SECRET-003\n    reason: x\n    expires: next week\n");
    assertThatThrownBy(() -> Allowlist.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expires 'next week' is not a date (YYYY-MM-DD)");
  }

  @Test
  void aPathGlobAllowsOnlyFindingsUnderIt() throws IOException {
    Report r = new Allowlist(List.of(entry("test/fixtures/**", null, null, "fake keys for the parser tests"))).apply(scan());
    assertThat(files(r.findings())).containsExactly("billing.py PCS-SECRET-013", "other.py PCS-SECRET-003");
    assertThat(r.allowed()).extracting(Allowed::reason).containsExactly("fake keys for the parser tests");
    assertThat(files(r.allowed().stream().map(Allowed::finding).toList())).containsExactly("gh.yml PCS-SECRET-003");
  }

  @Test
  void aFingerprintAllowsThatSecretWhereverItIsAndARuleIdEveryHitOfTheRule() throws IOException {
    Report byFingerprint = new Allowlist(List.of(entry(null, null, Redaction.fingerprint(GITHUB), "revoked demo token"))).apply(scan());
    assertThat(files(byFingerprint.findings())).containsExactly("billing.py PCS-SECRET-013");
    assertThat(byFingerprint.allowed()).hasSize(2);

    Report byRule = new Allowlist(List.of(entry(null, "pcs-secret-013", null, "test-mode keys only"))).apply(scan());
    assertThat(files(byRule.findings())).containsExactly("other.py PCS-SECRET-003", "gh.yml PCS-SECRET-003");

    Report both = new Allowlist(List.of(entry("*.py", "PCS-SECRET-003", null, "sample code"))).apply(scan());
    assertThat(files(both.findings())).containsExactly("billing.py PCS-SECRET-013", "gh.yml PCS-SECRET-003");

    Report otherSecret = new Allowlist(List.of(entry(null, null, Redaction.fingerprint("something else"), "x"))).apply(scan());
    assertThat(otherSecret.findings()).hasSize(3);
    assertThat(otherSecret.allowed()).isEmpty();
  }

  @Test
  void globsStayWithinSegmentsUnlessDoubleStarred() {
    assertThat(Allowlist.globMatches("*.py", "/src/app/billing.py")).isTrue();
    assertThat(Allowlist.globMatches("app/*.py", "/src/app/billing.py")).isTrue();
    assertThat(Allowlist.globMatches("/app/*.py", "/src/app/billing.py")).isFalse();
    assertThat(Allowlist.globMatches("src/*.py", "/src/app/billing.py")).isFalse();
    assertThat(Allowlist.globMatches("src/**/*.py", "/src/app/billing.py")).isTrue();
    assertThat(Allowlist.globMatches("src/**", "src/a/b/c")).isTrue();
    assertThat(Allowlist.globMatches("bill?ng.py", "billing.py")).isTrue();
    assertThat(Allowlist.globMatches("b.py", "ab.py")).isFalse();
  }

  @Test
  void allowedFindingsAreListedApartInJsonAndTable() throws IOException {
    Report r = new Allowlist(List.of(entry("gh.yml", null, null, "fake keys"))).apply(scan());
    String json = ReportWriter.write(r, ReportWriter.Format.JSON, "0");
    assertThat(json).contains("\"allowed\" : [ {").contains("\"reason\" : \"fake keys\"").doesNotContain(GITHUB);
    assertThat(ReportWriter.write(r, ReportWriter.Format.TABLE, "0")).contains("allowed: PCS-SECRET-003 ").contains("gh.yml:1:14 (fake keys)");
  }

  @Test
  void aFileIsReadAndBadEntriesStopTheRunNamingTheLine() throws IOException {
    Path good = tmp.resolve("allow.yaml");
    Files.writeString(good, "allow:\n  - path: \"test/**\"\n    reason: fixtures\n  - rule: PCS-SECRET-013\n    fingerprint: 0123456789AB\n    reason: demo\n");
    assertThat(Allowlist.load(good).entries()).containsExactly(
        entry("test/**", null, null, "fixtures"), entry(null, "PCS-SECRET-013", "0123456789ab", "demo"));

    Path noReason = tmp.resolve("no-reason.yaml");
    Files.writeString(noReason, "allow:\n  - path: a\n  - rule: X\n    reason: r\n  - reason: only a reason\n");
    assertThatThrownBy(() -> Allowlist.load(noReason)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowlist " + noReason + ":2: an allowlist entry needs a reason; " + noReason
            + ":5: an allowlist entry needs a path, a rule or a fingerprint");
    Path badFp = tmp.resolve("bad-fp.yaml");
    Files.writeString(badFp, "allow:\n  - fingerprint: ghp_abc\n    reason: r\n");
    assertThatThrownBy(() -> Allowlist.load(badFp)).hasMessageContaining(":2: fingerprint ghp_abc is not the 12 hex digits");
    Path notAList = tmp.resolve("not-a-list.yaml");
    Files.writeString(notAList, "allow: everything\n");
    assertThatThrownBy(() -> Allowlist.load(notAList)).hasMessageContaining("a map with an 'allow' list");
  }
}
