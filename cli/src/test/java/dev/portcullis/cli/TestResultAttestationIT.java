package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attest --type test-result} from real Maven Surefire reports of this build (those the sign
 * module keeps as fixtures: copied from its {@code target/surefire-reports}), against a real
 * docker-registry; {@code verify-attestation} accepts the attestation, and a prod policy that requires
 * a PASSED test result lets the attested image through and denies one without it.
 */
class TestResultAttestationIT {
  static final String PASSPHRASE = "test result passphrase 51c9";
  static final Path REPORTS = Path.of(System.getProperty("portcullis.root", "..")).resolve("sign/src/test/resources/dev/portcullis/sign/testresult");
  @TempDir static Path tmp;
  static RegistryProcess registry;
  static String tested;
  static String untested;
  static Path db;
  static Path policy;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), Map.of(PassphraseOptions.ENV, PASSPHRASE));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String key(String name) {
    return tmp.resolve(name).toString();
  }

  @BeforeAll
  static void registryTwoImagesAKeyAndAPolicy() throws IOException {
    registry = RegistryProcess.start();
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + registry.host() + "/app:tested", List.of("--dest-tls-verify=false"));
    // the same content as a Docker v2 manifest: another digest, so attestations of the first are not its own
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + registry.host() + "/app:untested", List.of("--dest-tls-verify=false", "--format", "v2s2"));
    tested = "registry:" + registry.host() + "/app:tested";
    untested = "registry:" + registry.host() + "/app:untested";
    Run k = run("key", "generate", "--output-prefix", key("ci"));
    assertThat(k.exit()).as(k.err()).isZero();
    db = tmp.resolve("db");
    assertThat(run("db", "import", "--db", db.toString(), CliTest.EXAMPLE.resolveSibling("advisories").toString()).exit()).isZero();
    policy = Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            minScore: 0
            attestations:
              - name: tests-passed
                type: test-result
                signers: [ci.pub]
                result: PASSED
                maxAgeDays: 7
        """);
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  static Run gate(String image, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("gate", "--insecure", "--no-cache", "--db", db.toString(), "--stage", "prod",
        "--policy", policy.toString()));
    args.addAll(List.of(more));
    args.add(image);
    return run(args.toArray(String[]::new));
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aPassedSurefireRunIsAttestedVerifiedAndRequiredByTheProdGate() throws IOException {
    Run attest = run("attest", "--insecure", "--type", "test-result", "--junit", REPORTS.resolve("surefire-passed").toString(),
        "--run-url", "https://ci.example/portcullis/jobs/1207", "--key", key("ci.key"), tested);
    assertThat(attest.exit()).as(attest.err()).isZero();
    assertThat(attest.out()).startsWith("tests PASSED: 13 passed, 0 warned, 0 failed, in 3 reports\nattested test-result of ");

    Run verify = run("verify-attestation", "--insecure", "--type", "test-result", "--key", key("ci.pub"), "--max-age", "1d", "--format", "json",
        tested);
    assertThat(verify.exit()).as(verify.err()).isZero();
    JsonNode statement = JsonOutput.MAPPER.readTree(verify.out()).path("evidence").get(0);
    JsonNode predicate = statement.path("predicate");
    assertThat(statement.path("predicateType").asText()).isEqualTo("https://in-toto.io/attestation/test-result/v0.1");
    assertThat(predicate.path("result").asText()).isEqualTo("PASSED");
    assertThat(predicate.path("url").asText()).isEqualTo("https://ci.example/portcullis/jobs/1207");
    assertThat(predicate.path("passedTests")).hasSize(13);
    assertThat(predicate.path("passedTests").get(0).asText()).isEqualTo("dev.portcullis.sign.PredicateTypesTest#eachTypeGivesItsTimeFromItsOwnPlace");
    assertThat(predicate.path("failedTests")).isEmpty();
    Path report = REPORTS.resolve("surefire-passed/TEST-dev.portcullis.sign.PredicateTypesTest.xml");
    assertThat(predicate.path("configuration").get(0).path("name").asText()).isEqualTo(report.getFileName().toString());
    assertThat(predicate.path("configuration").get(0).path("digest").path("sha256").asText()).isEqualTo(sha256(report));

    Run allowed = gate(tested);
    assertThat(allowed.exit()).as(allowed.out() + allowed.err()).isZero();
    Run denied = gate(untested);
    assertThat(denied.exit()).as(denied.out() + denied.err()).isEqualTo(1);
    assertThat(denied.out()).contains("deny  tests-passed: no verified attestation https://in-toto.io/attestation/test-result/v0.1 signed by sha256:")
        .contains(" with result PASSED at most 7 days old (none found)");
    // eight days later the same attestation is too old
    Run later = gate(tested, "--at", Instant.now().plus(Duration.ofDays(8)).toString());
    assertThat(later.exit()).isEqualTo(1);
    assertThat(later.out()).contains("deny  tests-passed: ").contains(" result PASSED at ");

    // a failed run is attested as such, verifies, and does not open the gate
    Run failed = run("attest", "--insecure", "--type", "test-result", "--junit", REPORTS.resolve("surefire-failed").toString(), "--key",
        key("ci.key"), untested);
    assertThat(failed.exit()).as(failed.err()).isZero();
    assertThat(failed.out()).startsWith("tests FAILED: 1 passed, 0 warned, 1 failed, in 1 report\n");
    assertThat(run("verify-attestation", "--insecure", "--type", "test-result", "--key", key("ci.pub"), untested).exit()).isZero();
    Run stillDenied = gate(untested);
    assertThat(stillDenied.exit()).isEqualTo(1);
    assertThat(stillDenied.out()).contains("deny  tests-passed: ").contains("(found: by sha256:").contains(" result FAILED at ");
  }

  @Test
  void hostileReportsAndWrongUseAreOneLineErrorsAndAttachNothing() {
    long before = attestations(tested);
    Path xxe = REPORTS.resolve("hostile/TEST-external-entity.xml");
    Run refused = run("attest", "--insecure", "--type", "test-result", "--junit", xxe.toString(), "--key", key("ci.key"), tested);
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip()).doesNotContain("\n").doesNotContain("\tat ")
        .endsWith("read JUnit report " + xxe + ": a DOCTYPE (DTDs and entities are refused in a test report)");
    Run mixed = run("attest", "--insecure", "--type", "test-result", "--junit", REPORTS.resolve("surefire-passed").toString(), "--junit",
        REPORTS.resolve("hostile/TEST-truncated.xml").toString(), "--key", key("ci.key"), tested);
    assertThat(mixed.exit()).isEqualTo(2);
    assertThat(mixed.err()).contains("TEST-truncated.xml: not well-formed XML at line");
    Run none = run("attest", "--insecure", "--type", "test-result", "--key", key("ci.key"), tested);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("--type test-result needs --junit FILE|DIR");
    Run wrongType = run("attest", "--insecure", "--type", "sbom", "--junit", REPORTS.resolve("surefire-passed").toString(), "--key", key("ci.key"),
        tested);
    assertThat(wrongType.exit()).isEqualTo(2);
    assertThat(wrongType.err()).contains("--junit belongs to --type test-result, not sbom");
    assertThat(attestations(tested)).isEqualTo(before);
  }

  /** How many attestations by the CI key are stored for {@code image}. */
  static long attestations(String image) {
    Run list = run("signatures", "--insecure", "--key", key("ci.pub"), image);
    assertThat(list.exit()).as(list.err()).isIn(0, 1);
    return list.out().lines().filter(l -> l.startsWith("attestation")).count();
  }
}
