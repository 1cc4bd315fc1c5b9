package dev.portcullis.policy.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RiskScorerTest {
  static final ImageFacts NON_ROOT = new ImageFacts("app:1", "sha256:" + "a".repeat(64), "1000", Map.of());
  static final ImageFacts ROOT = new ImageFacts("app:1", "sha256:" + "a".repeat(64), "", Map.of());

  static RiskFinding vuln(String id, Severity s, boolean os, boolean kev, Double epss, RiskFinding.Fix fix) {
    return new RiskFinding(id, List.of(), Kind.VULNERABILITY, s, "lib", "1.0", "pkg:maven/org.example/lib@1.0", os, kev, epss, fix,
        fix == RiskFinding.Fix.FIXED ? "1.1" : null, false, "a flaw", "/app/lib.jar");
  }

  // docs/risk-score.md, example 1
  @Test
  void nothingFoundScoresHundred() {
    RiskScore s = RiskScorer.score(NON_ROOT, List.of(), Optional.empty());
    assertThat(s.value()).isEqualTo(100);
    assertThat(s.grade()).isEqualTo(Grade.A);
    assertThat(s.factors()).isEmpty();
  }

  // docs/risk-score.md, example 2: 100 × (1 − 0.8 × 0.8) × (1 − 0.1) = 32.4
  @Test
  void knownExploitedCriticalWithAFixAsRootIsAnF() {
    RiskScore s = RiskScorer.score(ROOT, List.of(vuln("CVE-2021-44228", Severity.CRITICAL, false, true, 0.94, RiskFinding.Fix.FIXED)), Optional.empty());
    assertThat(s.value()).isEqualTo(32);
    assertThat(s.grade()).isEqualTo(Grade.F);
    assertThat(s.deductions()).containsOnlyKeys(Category.VULNERABILITY, Category.ROOT);
    assertThat(s.deductions().get(Category.VULNERABILITY)).isCloseTo(0.64, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s.factors()).extracting(Factor::reason).containsExactly(
        "critical vulnerability in an application package, fix available, known exploited (KEV)", "runs as root (user '')");
    assertThat(s.factors().get(0).findings()).containsExactly("CVE-2021-44228");
    assertThat(s.factors().get(0).weight()).isEqualTo(0.8);
  }

  // docs/risk-score.md, example 3: 79.90 → 79, grade C
  @Test
  void aTypicalServiceScoresJustBelowEighty() {
    List<RiskFinding> findings = List.of(
        vuln("CVE-2024-0001", Severity.HIGH, true, false, 0.1, RiskFinding.Fix.NOT_FIXED),
        vuln("CVE-2024-0002", Severity.MEDIUM, false, false, null, RiskFinding.Fix.FIXED),
        vuln("CVE-2024-0003", Severity.MEDIUM, false, false, null, RiskFinding.Fix.FIXED),
        RiskFinding.rule("PCS-IMG-002", Kind.MISCONFIGURATION, Severity.LOW, false, "Image has no healthcheck", "config.Healthcheck"),
        RiskFinding.rule("PCS-IMG-008", Kind.MISCONFIGURATION, Severity.MEDIUM, false, "Sensitive port exposed", "config.ExposedPorts"),
        RiskFinding.rule("PCS-DEBUG-001", Kind.DEBUG, Severity.HIGH, false, "JDWP debug agent enabled", "config.Env[0]"));
    RiskScore s = RiskScorer.score(NON_ROOT, findings, Optional.empty());
    assertThat(s.value()).isEqualTo(79);
    assertThat(s.grade()).isEqualTo(Grade.C);
    assertThat(s.factors()).extracting(f -> f.category() + " " + f.weight() + " " + f.findings()).containsExactly(
        "VULNERABILITY 0.0672 [CVE-2024-0001]",
        "VULNERABILITY 0.03 [CVE-2024-0002, CVE-2024-0003]",
        "DEBUG 0.2 [PCS-DEBUG-001]",
        "MISCONFIGURATION 0.03 [PCS-IMG-008]",
        "MISCONFIGURATION 0.01 [PCS-IMG-002]");
  }

  // docs/risk-score.md, example 4: 65 without the ceiling
  @Test
  void aRealFormatCredentialCapsTheScore() {
    RiskFinding key = RiskFinding.rule("PCS-SECRET-002", Kind.SECRET, Severity.CRITICAL, true, "AWS secret access key", "/app/.env (layer 1)");
    RiskScore s = RiskScorer.score(NON_ROOT, List.of(key), Optional.empty());
    assertThat(s.value()).isEqualTo(30);
    assertThat(s.factors()).extracting(Factor::ceiling).containsExactly(null, 30);
    RiskFinding generic = RiskFinding.rule("PCS-SECRET-029", Kind.SECRET, Severity.CRITICAL, false, "Password", "/app/.env (layer 1)");
    assertThat(RiskScorer.score(NON_ROOT, List.of(generic), Optional.empty()).value()).isEqualTo(65);
  }

  @Test
  void theRootCheckIsCountedOnceAsRoot() {
    RiskFinding rootCheck = RiskFinding.rule(RiskScorer.ROOT_CHECK, Kind.MISCONFIGURATION, Severity.HIGH, false, "Image runs as root", "config.User");
    RiskScore s = RiskScorer.score(ROOT, List.of(rootCheck), Optional.empty());
    assertThat(s.value()).isEqualTo(90);
    assertThat(s.factors()).singleElement().satisfies(f -> assertThat(f.findings()).containsExactly(RiskScorer.ROOT_CHECK));
  }

  @Test
  void provenanceCountsOnlyWhenKnown() {
    assertThat(RiskScorer.score(NON_ROOT, List.of(), Optional.of(new Provenance(List.of(), List.of()))).value()).isEqualTo(85);
    Provenance signed = new Provenance(List.of(new Provenance.Signature("ci@example.com", true)),
        List.of(new Provenance.Attestation("https://slsa.dev/provenance/v1", "ci@example.com", true)));
    assertThat(RiskScorer.score(NON_ROOT, List.of(), Optional.of(signed)).value()).isEqualTo(100);
  }

  @Test
  void aHandEditedScoreIsRefused() throws IOException {
    RiskReport r = RiskReport.of(ROOT, null, List.of(), null);
    String json = RiskReportJson.write(r).replace("\"value\" : 90", "\"value\" : 99");
    assertThatThrownBy(() -> RiskReportJson.read("edited.json", json)).hasMessageContaining("score is 99 but its findings score 90");
  }

  // --- properties over seeded random finding sets

  static Stream<Long> seeds() {
    return IntStream.range(0, 200).mapToObj(i -> 7919L * i + 17);
  }

  static RiskFinding randomFinding(Random r) {
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    Severity severity = Severity.values()[r.nextInt(Severity.values().length)];
    String id = switch (kind) {
      case VULNERABILITY -> "CVE-2024-" + (1000 + r.nextInt(50));
      case SECRET -> "PCS-SECRET-0" + (10 + r.nextInt(30));
      case DEBUG -> "PCS-DEBUG-00" + (1 + r.nextInt(9));
      case MISCONFIGURATION -> "PCS-IMG-00" + (1 + r.nextInt(9));
    };
    if (kind != Kind.VULNERABILITY) {
      return RiskFinding.rule(id, kind, severity, r.nextBoolean(), "t", "/f" + r.nextInt(5));
    }
    RiskFinding.Fix fix = List.of(RiskFinding.Fix.FIXED, RiskFinding.Fix.NOT_FIXED, RiskFinding.Fix.WONT_FIX).get(r.nextInt(3));
    return new RiskFinding(id, List.of(), kind, severity, "p" + r.nextInt(5), "1", "pkg:npm/p@1", r.nextBoolean(), r.nextInt(10) == 0,
        r.nextBoolean() ? null : r.nextDouble(), fix, null, false, "t", "/l" + r.nextInt(5));
  }

  static RiskReport randomReport(Random r) {
    List<RiskFinding> findings = new ArrayList<>();
    int n = r.nextInt(40);
    for (int i = 0; i < n; i++) {
      findings.add(randomFinding(r));
    }
    ImageFacts image = r.nextBoolean() ? ROOT : NON_ROOT;
    Provenance provenance = switch (r.nextInt(3)) {
      case 0 -> null;
      case 1 -> new Provenance(List.of(), List.of());
      default -> new Provenance(List.of(new Provenance.Signature("k", r.nextBoolean())), List.of());
    };
    return RiskReport.of(image, Instant.parse("2025-01-01T00:00:00Z"), findings, provenance);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void addingAFindingNeverRaisesTheScore(long seed) {
    Random r = new Random(seed);
    RiskReport report = randomReport(r);
    List<RiskFinding> more = new ArrayList<>(report.findings());
    more.add(randomFinding(r));
    assertThat(report.withFindings(more).score().value()).isLessThanOrEqualTo(report.score().value());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void removingAFindingNeverLowersTheScore(long seed) {
    Random r = new Random(seed);
    RiskReport report = randomReport(r);
    if (report.findings().isEmpty()) {
      return;
    }
    List<RiskFinding> fewer = new ArrayList<>(report.findings());
    fewer.remove(r.nextInt(fewer.size()));
    assertThat(report.withFindings(fewer).score().value()).isGreaterThanOrEqualTo(report.score().value());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theSameFindingsInAnyOrderGiveTheSameScore(long seed) {
    Random r = new Random(seed);
    RiskReport report = randomReport(r);
    List<RiskFinding> shuffled = new ArrayList<>(report.findings());
    Collections.shuffle(shuffled, r);
    RiskScore again = RiskScorer.score(report.image(), shuffled, report.provenanceIfAny());
    assertThat(again).isEqualTo(report.score());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aSavedReportReadsBackToTheSameScore(long seed) throws IOException {
    RiskReport report = randomReport(new Random(seed));
    String json = RiskReportJson.write(report);
    RiskReport back = RiskReportJson.read("saved.json", json);
    assertThat(back.score()).isEqualTo(report.score());
    assertThat(back).isEqualTo(report);
    assertThat(RiskReportJson.write(back)).isEqualTo(json);
  }
}
