package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code portcullis gate} on the bundled example, and {@code portcullis policy validate|test}. */
class GateCommandTest {
  static final Path ROOT = Path.of(System.getProperty("portcullis.root", ".."));
  static final Path EXAMPLE = ROOT.resolve("examples/hello/image");
  static final String AT = "2025-06-01T12:00:00Z";

  @TempDir static Path tmp;
  static Path db;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @BeforeAll
  static void database() {
    db = tmp.resolve("db");
    assertThat(run("db", "import", "--db", db.toString(), EXAMPLE.resolveSibling("advisories").toString()).exit()).isZero();
  }

  // docs/policy.md: the example is allowed at dev, warned at test (a debug file) and denied at prod
  @ParameterizedTest
  @CsvSource({"dev, 0, ALLOW", "test, 0, WARN", "prod, 1, DENY"})
  void theExampleGetsTheDecisionsTheDefaultPolicyDocuments(String stage, int exit, String decision) {
    CliRun r = run("gate", "--quiet", "--no-cache", "--db", db.toString(), "--stage", stage, "--at", AT, "oci-dir:" + EXAMPLE);
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    assertThat(r.out()).startsWith(decision + "  ");
    assertThat(r.out()).contains("score   80/100, grade B").contains("GHSA-xvch-5gv4-984h");
    if (stage.equals("prod")) {
      assertThat(r.out()).contains("deny  debug-leftover: debug leftovers: PCS-DEBUG-009 at /app/debug.properties (layer 1)");
    }
  }

  @Test
  void warningsGoToStderrAndCanFail() {
    CliRun r = run("gate", "--no-cache", "--db", db.toString(), "--stage", "test", "--warn-as-error", "--at", AT, "oci-dir:" + EXAMPLE);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("warning: debug-leftover: debug leftovers would be denied at prod");
  }

  @Test
  void theDecisionDocumentAndASavedReportGiveTheSameDecision() throws IOException {
    Path saved = tmp.resolve("risk.json");
    CliRun scanned = run("gate", "--quiet", "--no-cache", "--db", db.toString(), "--stage", "prod", "--format", "json", "--at", AT,
        "--save-report", saved.toString(), "oci-dir:" + EXAMPLE);
    CliRun reread = run("gate", "--quiet", "--report", saved.toString(), "--stage", "prod", "--format", "json", "--at", AT, "saved");
    assertThat(reread.exit()).isEqualTo(scanned.exit()).isEqualTo(1);
    assertThat(reread.out()).isEqualTo(scanned.out());
    JsonNode d = JsonOutput.MAPPER.readTree(scanned.out());
    assertThat(d.get("decision").asText()).isEqualTo("deny");
    assertThat(d.get("score").asInt()).isEqualTo(80);
    assertThat(d.get("grade").asText()).isEqualTo("B");
    assertThat(d.get("imageDigest").asText()).startsWith("sha256:");
    assertThat(d.get("policy").get("digest").asText()).startsWith("sha256:");
    assertThat(d.get("databaseBuilt").isTextual()).isTrue();
    assertThat(d.get("time").asText()).isEqualTo(AT);
    assertThat(d.get("rulesFired").findValuesAsText("rule")).containsExactly("debug-leftover", "critical-with-fix");
    assertThat(d.get("factors").size()).isEqualTo(4);
  }

  @Test
  void anExceptionLiftsTheDenialAndIsListed() throws IOException {
    Path exceptions = tmp.resolve("exceptions.yaml");
    Files.writeString(exceptions, """
        apiVersion: portcullis.dev/v1
        kind: Exceptions
        exceptions:
          - id: debug-file
            finding: PCS-DEBUG-009
            justification: the file is read only when DEBUG=1, which prod never sets
            owner: hello-team
            requester: alice
            approver: bob
            expires: 2025-06-30
          - id: mine
            finding: GHSA-*
            justification: trust me
            owner: hello-team
            requester: carol
            approver: carol
            expires: 2025-06-30
        """);
    CliRun r = run("gate", "--no-cache", "--db", db.toString(), "--stage", "prod", "--exceptions", exceptions.toString(), "--at", AT, "oci-dir:" + EXAMPLE);
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).startsWith("WARN").contains("(80 before exceptions)").contains("excepted debug-file (PCS-DEBUG-009)")
        .contains("refused  mine: approved by its own requester carol");
    assertThat(r.err()).contains("exception mine refused");
  }

  @Test
  void errorsExitTwo() {
    assertThat(run("gate", "--quiet", "--report", tmp.resolve("none.json").toString(), "--stage", "prod", "x").exit()).isEqualTo(2);
    assertThat(run("gate", "--quiet", "--no-cache", "--db", db.toString(), "--stage", "qa", "oci-dir:" + EXAMPLE).exit()).isEqualTo(2);
  }

  @Test
  void validateReportsEveryMistakeWithItsPosition() throws IOException {
    Path bad = ROOT.resolve("policy/src/test/resources/dev/portcullis/policy/bad/three-mistakes.yaml");
    CliRun r = run("policy", "validate", bad.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith(bad.toString())).map(l -> l.substring(bad.toString().length()).replaceFirst(": .*", "")))
        .containsExactly(":5:15", ":8:49", ":12:17");
    assertThat(r.err()).contains("3 problems in");
  }

  @Test
  void policyTestRunsTheCases() {
    CliRun r = run("policy", "test", ROOT.resolve("policy/src/test/resources/dev/portcullis/policy/cases").toString());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("pass  secret-prod.case.yaml").containsPattern("2\\d cases, 0 failed");
  }
}
