package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.policy.score.RiskReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's CEL limits on the command line: {@code policy validate} refuses a rule nested too
 * deep unless {@code --cel-max-nesting} allows it, {@code gate} denies a policy whose rule goes over
 * its budget (exit 1, the rule's position in the reason), and a bad limit is a one-line usage error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CelLimitsCliTest {
  @TempDir Path tmp;

  static final String SEVEN_NESTED = """
      apiVersion: portcullis.dev/v1
      kind: Policy
      stages:
        dev:
          rules:
            - name: sum-below-zero
              expression: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(a, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(b, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(c, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(d, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(e, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(f, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].exists(g, a + b + c + d + e + f + g < 0)))))))"
              action: warn
      """;

  static final String DUPLICATES = """
      apiVersion: portcullis.dev/v1
      kind: Policy
      stages:
        prod:
          rules:
            - name: duplicate-package
              expression: findings.exists(f, findings.filter(g, g.package == f.package).size() > 1)
              action: warn
      """;

  Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  Path report(int findings) throws IOException {
    List<RiskFinding> list = new ArrayList<>();
    for (int i = 0; i < findings; i++) {
      list.add(new RiskFinding("CVE-2024-" + i, List.of(), Kind.VULNERABILITY, Severity.LOW, "pkg-" + i, "1", "pkg:npm/pkg-" + i + "@1",
          false, false, null, RiskFinding.Fix.NOT_FIXED, null, false, "t", "/p"));
    }
    RiskReport r = RiskReport.of(new ImageFacts("app:1", "sha256:" + "e".repeat(64), "1000", Map.of()), null, list, null);
    return write("risk.json", RiskReportJson.write(r));
  }

  @Test
  void validateRefusesSevenNestedComprehensionsUnlessTheOperatorAllowsThem() throws IOException {
    Path policy = write("deep.yaml", SEVEN_NESTED);
    CliRun refused = GateCommandTest.run("policy", "validate", policy.toString());
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).startsWith(policy + ":7:").contains(": expression: comprehensions nested 7 deep (at most 3, --cel-max-nesting)");
    CliRun allowed = GateCommandTest.run("policy", "validate", "--cel-max-nesting", "7", policy.toString());
    assertThat(allowed.exit()).as(allowed.err()).isZero();
  }

  @Test
  void theGateDeniesWhenARuleGoesOverItsBudget() throws IOException {
    Path policy = write("dup.yaml", DUPLICATES);
    CliRun r = GateCommandTest.run("gate", "--quiet", "--report", report(3000).toString(), "--policy", policy.toString(),
        "--stage", "prod", "--cel-max-iterations", "20000", "--cel-timeout", "10m", "saved");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("DENY  ").contains("deny  duplicate-package: policy error at " + policy
        + ":7:21: stopped: more than 20,000 comprehension iterations (--cel-max-iterations)");
  }

  @Test
  void theSameRuleWithinItsBudgetOnlyWarns() throws IOException {
    Path policy = write("dup.yaml", DUPLICATES.replace("size() > 1", "size() > 0"));
    CliRun r = GateCommandTest.run("gate", "--quiet", "--report", report(30).toString(), "--policy", policy.toString(),
        "--stage", "prod", "saved");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("WARN  ");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--cel-timeout|0|--cel-timeout 0: expected a positive duration such as 500ms, 10s or 2m",
      "--cel-timeout|10 hours|--cel-timeout 10 hours: expected a positive duration such as 500ms, 10s or 2m",
      "--cel-max-iterations|0|--cel-max-iterations 0: the CEL iteration limit must be at least 1, not 0",
      "--cel-max-cost|-5|--cel-max-cost -5: the CEL cost limit must be at least 1, not -5",
      "--cel-max-nesting|0|--cel-max-nesting 0: the CEL nesting limit must be at least 1, not 0"})
  void aBadLimitIsAOneLineError(String flag, String value, String message) throws IOException {
    CliRun gate = GateCommandTest.run("gate", "--quiet", "--report", report(1).toString(), "--stage", "prod", flag, value, "saved");
    assertThat(gate.exit()).isEqualTo(2);
    assertThat(gate.err()).isEqualTo("portcullis: " + message + "\n");
    CliRun validate = GateCommandTest.run("policy", "validate", flag, value, write("dup.yaml", DUPLICATES).toString());
    assertThat(validate.exit()).isNotZero();
    assertThat(validate.err()).isEqualTo("portcullis: " + message + "\n");
  }
}
