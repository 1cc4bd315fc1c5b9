package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.sign.testresult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationRequirementTest {
  static final LocalDate TODAY = LocalDate.parse("2026-11-29");
  static PublicKey ci;
  static PublicKey other;
  @TempDir static Path dir;
  static Policy policy;

  @BeforeAll
  static void keysAndPolicy() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ci = g.generateKeyPair().getPublic();
    other = g.generateKeyPair().getPublic();
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/ci.pub"), PublicKeys.toPem(ci));
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            minScore: 0
            attestations:
              - type: verdict
                signers: [keys/ci.pub]
                stage: test
                minScore: 70
                maxAgeDays: 7
              - name: sbom-attested
                type: sbom
                signers: [keys/ci.pub]
                action: warn
        """);
    policy = ((PolicyFile.Valid) new PolicyFile(new RuleCompiler()).load(file)).policy();
  }

  static RiskReport report(Provenance.Attestation... atts) {
    return RiskReport.of(new ImageFacts("reg/app@sha256:" + "c".repeat(64), "sha256:" + "c".repeat(64), "1000", Map.of()), null, List.of(),
        new Provenance(List.of(), List.of(atts)));
  }

  static Provenance.Attestation verdict(PublicKey by, boolean verified, String stage, int score, String issued) {
    return new Provenance.Attestation(PredicateTypes.VERDICT, KeyIds.of(by), verified, Instant.parse(issued), stage, score);
  }

  static final Provenance.Attestation SBOM = new Provenance.Attestation(PredicateTypes.CYCLONEDX, "", true);

  @Test
  void aFreshVerdictForTheStageByTheKeyWithTheScoreIsEnough() {
    Provenance.Attestation sbom = new Provenance.Attestation(PredicateTypes.CYCLONEDX, KeyIds.of(ci), true);
    assertThat(policy.decide(report(verdict(ci, true, "test", 70, "2026-11-22T10:00:00Z"), sbom), "prod", TODAY)).isEqualTo(new Decision.Allow());
  }

  @Test
  void eachShortcomingDenies() {
    String key = KeyIds.of(ci);
    String want = "no verified attestation " + PredicateTypes.VERDICT + " signed by " + key + " for stage test with a score of at least 70 at most 7 days old";
    for (Provenance.Attestation bad : List.of(
        verdict(other, true, "test", 90, "2026-11-28T00:00:00Z"),       // another key
        verdict(ci, false, "test", 90, "2026-11-28T00:00:00Z"),         // did not verify
        verdict(ci, true, "dev", 90, "2026-11-28T00:00:00Z"),           // another stage
        verdict(ci, true, "test", 69, "2026-11-28T00:00:00Z"),          // score too low
        verdict(ci, true, "test", 90, "2026-11-21T23:59:59Z"))) {       // eight days old
      Decision d = policy.decide(report(bad, new Provenance.Attestation(PredicateTypes.CYCLONEDX, key, true)), "prod", TODAY);
      assertThat(d).as(bad.toString()).isInstanceOf(Decision.Deny.class);
      assertThat(d.reasons()).singleElement().satisfies(r -> {
        assertThat(r.rule()).isEqualTo("attestation-portcullis-dev-attestation-verdict-v1");
        assertThat(r.message()).startsWith(want + " (found: ");
      });
    }
  }

  @Test
  void aMissingSbomWarnsAndAnImageNotFromARegistrySaysSo() {
    Decision d = policy.decide(report(verdict(ci, true, "test", 90, "2026-11-28T00:00:00Z"), SBOM), "prod", TODAY);
    assertThat(d).isInstanceOf(Decision.Warn.class);
    assertThat(d.reasons()).extracting(Reason::rule).containsExactly("sbom-attested");
    RiskReport local = RiskReport.of(new ImageFacts("oci-dir:x", "sha256:" + "c".repeat(64), "1000", Map.of()), null, List.of(), null);
    assertThat(policy.decide(local, "prod", TODAY).reasons()).extracting(Reason::message)
        .allMatch(m -> m.endsWith("(attestations were not looked for: the image did not come from a registry)"));
  }

  @Test
  void verdictFactsSurviveASavedReport() throws Exception {
    RiskReport r = report(verdict(ci, true, "test", 70, "2026-11-22T10:00:00Z"));
    RiskReport back = RiskReportJson.read("saved", RiskReportJson.write(r));
    assertThat(back.provenanceIfAny().orElseThrow()).isEqualTo(r.provenanceIfAny().orElseThrow());
    assertThat(policy.decide(back, "prod", TODAY).reasons()).extracting(Reason::rule).containsExactly("sbom-attested");
  }

  static Provenance.Attestation tested(PublicKey by, boolean verified, String result, String issued) {
    return new Provenance.Attestation(PredicateTypes.TEST_RESULT, KeyIds.of(by), verified, Instant.parse(issued), null, null, result);
  }

  static Policy testResultPolicy(String requirement) {
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            minScore: 0
            attestations:
              - name: tests-passed
                type: test-result
                signers: [keys/ci.pub]
                maxAgeDays: 7
        """ + requirement.indent(8);
    return ((PolicyFile.Valid) new PolicyFile(new RuleCompiler()).parse(dir.resolve("tests.yaml").toString(), text)).policy();
  }

  @Test
  void aTestResultMustHavePassedUnlessThePolicySaysWarnedIsEnough() {
    Policy passed = testResultPolicy("");
    Policy warned = testResultPolicy("result: WARNED");
    assertThat(passed.stage("prod").orElseThrow().attestations().get(0).result()).isEqualTo(Outcome.PASSED);
    String fresh = "2026-11-25T10:00:00Z";
    assertThat(passed.decide(report(tested(ci, true, "PASSED", fresh)), "prod", TODAY)).isEqualTo(new Decision.Allow());
    assertThat(passed.decide(report(tested(ci, true, "WARNED", fresh)), "prod", TODAY)).isInstanceOf(Decision.Deny.class);
    assertThat(warned.decide(report(tested(ci, true, "WARNED", fresh)), "prod", TODAY)).isEqualTo(new Decision.Allow());
    assertThat(warned.decide(report(tested(ci, true, "PASSED", fresh)), "prod", TODAY)).isEqualTo(new Decision.Allow());
    assertThat(warned.decide(report(tested(ci, true, "FAILED", fresh)), "prod", TODAY)).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void anImageWithoutAPassedFreshTestResultByTheKeyIsDeniedNamingTheRequirement() {
    Policy policy = testResultPolicy("");
    String want = "no verified attestation " + PredicateTypes.TEST_RESULT + " signed by " + KeyIds.of(ci) + " with result PASSED at most 7 days old";
    Decision none = policy.decide(report(verdict(ci, true, "test", 90, "2026-11-28T00:00:00Z")), "prod", TODAY);
    assertThat(none.reasons()).singleElement().isEqualTo(new Reason("tests-passed", Action.DENY, want + " (none found)"));
    for (Provenance.Attestation bad : List.of(
        tested(ci, true, "FAILED", "2026-11-28T00:00:00Z"),           // tests failed
        tested(ci, true, "passed", "2026-11-28T00:00:00Z"),           // not the spec's spelling
        new Provenance.Attestation(PredicateTypes.TEST_RESULT, KeyIds.of(ci), true, Instant.parse("2026-11-28T00:00:00Z"), null, null),
        tested(other, true, "PASSED", "2026-11-28T00:00:00Z"),        // another key
        tested(ci, false, "PASSED", "2026-11-28T00:00:00Z"),          // did not verify
        tested(ci, true, "PASSED", "2026-11-21T23:59:59Z"))) {        // eight days old
      Decision d = policy.decide(report(bad), "prod", TODAY);
      assertThat(d).as(bad.toString()).isInstanceOf(Decision.Deny.class);
      assertThat(d.reasons()).singleElement().satisfies(r -> {
        assertThat(r.rule()).isEqualTo("tests-passed");
        assertThat(r.message()).startsWith(want + " (found: ");
      });
    }
    assertThat(policy.decide(report(tested(ci, true, "FAILED", "2026-11-28T00:00:00Z")), "prod", TODAY).reasons().get(0).message())
        .endsWith("(found: by " + KeyIds.of(ci) + " result FAILED at 2026-11-28T00:00:00Z)");
  }

  @Test
  void aTestResultSurvivesASavedReportAndIsSeenByCel() throws Exception {
    RiskReport r = report(tested(ci, true, "PASSED", "2026-11-25T10:00:00Z"));
    RiskReport back = RiskReportJson.read("saved", RiskReportJson.write(r));
    assertThat(back.provenanceIfAny().orElseThrow()).isEqualTo(r.provenanceIfAny().orElseThrow());
    assertThat(testResultPolicy("").decide(back, "prod", TODAY)).isEqualTo(new Decision.Allow());
    Policy cel = ((PolicyFile.Valid) new PolicyFile(new RuleCompiler()).parse("cel.yaml", """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            rules:
              - name: tests-not-passed
                expression: "!attestations.exists(a, a.verified && a.result == 'PASSED')"
                action: deny
        """)).policy();
    assertThat(cel.decide(back, "prod", TODAY)).isEqualTo(new Decision.Allow());
    assertThat(cel.decide(report(tested(ci, true, "FAILED", "2026-11-25T10:00:00Z")), "prod", TODAY)).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void misspelledOrMisplacedTestResultFieldsRefuseThePolicy() {
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            attestations:
              - {name: lower-case, type: test-result, signers: [keys/ci.pub], result: passed}
              - {name: failed, type: test-result, signers: [keys/ci.pub], result: FAILED}
              - {name: on-a-verdict, type: verdict, signers: [keys/ci.pub], result: PASSED}
              - {name: verdict-fields, type: test-result, signers: [keys/ci.pub], stage: test, minScore: 70}
              - {name: misspelled, type: test-result, signers: [keys/ci.pub], results: PASSED}
              - {name: a-list, type: test-result, signers: [keys/ci.pub], result: [PASSED]}
        """;
    PolicyFile.Invalid c = (PolicyFile.Invalid) new PolicyFile(new RuleCompiler()).parse(dir.resolve("t.yaml").toString(), text);
    String at = dir.resolve("t.yaml") + ":";
    assertThat(c.problems()).extracting(Problem::display).containsExactly(
        at + "6:79: result must be PASSED or WARNED (the worst result accepted), not 'passed'",
        at + "7:75: result must be PASSED or WARNED (the worst result accepted), not 'FAILED'",
        at + "8:69: result applies to type test-result only",
        at + "9:75: stage is a verdict's; a test-result requirement has result and maxAgeDays",
        at + "9:88: minScore is a verdict's; a test-result requirement has result and maxAgeDays",
        at + "10:71: unknown key 'results' (action, maxAgeDays, minScore, name, result, signers, stage, type)",
        at + "11:75: result must be a string");
  }

  @Test
  void badRequirementsAreReportedWhereTheyAre() {
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            attestations:
              - type: slsa
                signers: [nope.pub]
                maxAgeDays: -1
              - type: verdict
                signers: []
        """;
    PolicyFile.Invalid c = (PolicyFile.Invalid) new PolicyFile(new RuleCompiler()).parse(dir.resolve("p.yaml").toString(), text);
    assertThat(c.problems()).extracting(Problem::display).containsExactly(
        dir.resolve("p.yaml") + ":6:15: type must be verdict, sbom, vuln, test-result or a predicate type URI, not 'slsa'",
        dir.resolve("p.yaml") + ":7:19: signer nope.pub: read public key " + dir.resolve("nope.pub") + ": no such file",
        dir.resolve("p.yaml") + ":8:21: maxAgeDays must be 0 to 36500, not -1",
        dir.resolve("p.yaml") + ":10:18: signers must be a non-empty list of public key files");
  }
}
