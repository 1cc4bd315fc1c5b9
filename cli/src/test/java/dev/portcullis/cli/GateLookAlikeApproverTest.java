package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code gate --exceptions --warn-as-error} at prod on the bundled example: an exception for its critical minimist finding,
 * approved by the requester in disguise, does not lift the warning (issue 19, item 8).
 */
class GateLookAlikeApproverTest {
  static final Path EXCEPTIONS = GateCommandTest.ROOT.resolve("policy/src/test/resources/dev/portcullis/policy/exceptions");

  @TempDir static Path tmp;
  static Path db;

  @BeforeAll
  static void database() {
    db = tmp.resolve("db");
    CliRun imported = GateCommandTest.run("db", "import", "--db", db.toString(), GateCommandTest.EXAMPLE.resolveSibling("advisories").toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
  }

  private static CliRun gate(String exceptions) {
    return GateCommandTest.run("gate", "--no-cache", "--db", db.toString(), "--stage", "prod", "--warn-as-error", "--exceptions", EXCEPTIONS.resolve(exceptions).toString(),
        "--at", GateCommandTest.AT, "oci-dir:" + GateCommandTest.EXAMPLE);
  }

  @Test
  void aRealSecondPersonLiftsIt() {
    CliRun r = gate("approver-bob.yaml");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("ALLOW").contains("excepted minimist-waiver");
  }

  @ParameterizedTest
  @CsvSource({"approver-alice-with-no-break-space.yaml", "approver-alice-in-fullwidth-letters.yaml"})
  void aLookAlikeIsRefusedAndTheWarningStands(String file) {
    CliRun r = gate(file);
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("WARN").contains("warn  critical-with-fix").contains("refused  minimist-waiver: approved by its own requester alice").doesNotContain("excepted minimist-waiver");
  }

  @ParameterizedTest
  @CsvSource({"approver-alice-with-zero-width-space.yaml, U+200B", "approver-alice-with-left-to-right-mark.yaml, U+200E"})
  void anInvisibleCharacterStopsTheGateInOneLine(String file, String codePoint) {
    CliRun r = gate(file);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("portcullis: read exceptions " + EXCEPTIONS.resolve(file) + ": minimist-waiver: approver contains " + codePoint
        + " (an invisible format character)\n");
  }
}
