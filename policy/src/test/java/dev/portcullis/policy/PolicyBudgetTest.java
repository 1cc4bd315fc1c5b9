package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A policy from another team cannot hang the gate: the O(n²) "duplicate package" rule over 3,000
 * findings and seven nested comprehensions over a 20-element list are refused by {@code policy
 * validate} or stopped within their budget, and the gate denies, naming the rule, where it is
 * written and the limit that held. Each test's own timeout is a generous bound against a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PolicyBudgetTest {
  static final LocalDate TODAY = LocalDate.parse("2025-01-15");

  static final String DUPLICATES = """
      apiVersion: portcullis.dev/v1
      kind: Policy
      stages:
        dev:
          rules:
            - name: duplicate-package
              expression: findings.exists(f, findings.filter(g, g.package == f.package).size() > 1)
              action: warn
            - name: any-critical
              expression: findings.exists(f, f.severity == "critical")
              action: warn
      """;

  static final String SEVEN_NESTED = """
      apiVersion: portcullis.dev/v1
      kind: Policy
      variables:
        - name: xs
          expression: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]"
      stages:
        dev:
          rules:
            - name: sum-below-zero
              expression: >-
                variables.xs.exists(a, variables.xs.exists(b, variables.xs.exists(c, variables.xs.exists(d,
                variables.xs.exists(e, variables.xs.exists(f, variables.xs.exists(g, a + b + c + d + e + f + g < 0)))))))
              action: warn
      """;

  static RiskFinding finding(int i, String packageName) {
    return new RiskFinding("CVE-2024-" + i, List.of(), Kind.VULNERABILITY, Severity.LOW, packageName, "1", "pkg:npm/" + packageName + "@1",
        false, false, null, RiskFinding.Fix.NOT_FIXED, null, false, "t", "/p");
  }

  static RiskReport report(List<RiskFinding> findings) {
    return RiskReport.of(new ImageFacts("app:1", "sha256:" + "d".repeat(64), "1000", Map.of()), null, findings, null);
  }

  static RiskReport report(int findings) {
    List<RiskFinding> list = new ArrayList<>();
    for (int i = 0; i < findings; i++) {
      list.add(finding(i, "pkg-" + i));
    }
    return report(list);
  }

  static Policy policy(CelLimits limits, String text) {
    PolicyFile.Compiled c = new PolicyFile(new RuleCompiler(limits)).parse("team/policy.yaml", text);
    assertThat(c).isInstanceOf(PolicyFile.Valid.class);
    return ((PolicyFile.Valid) c).policy();
  }

  @Test
  void theQuadraticRuleOver3000FindingsDeniesAtItsPosition() {
    // only the iteration limit can stop it: the deadline is far beyond this test's timeout
    Policy p = policy(CelLimits.DEFAULT.withTimeout(Duration.ofHours(1)), DUPLICATES);
    Gate.Result result = Gate.evaluate(p, "dev", report(3000), ExceptionFile.Loaded.NONE, TODAY);
    assertThat(result.decision()).isInstanceOf(Decision.Deny.class);
    assertThat(result.decision().reasons()).containsExactly(new Reason("duplicate-package", Action.DENY,
        "policy error at team/policy.yaml:7:21: stopped: more than 1,000,000 comprehension iterations (--cel-max-iterations)"));
  }

  @Test
  void theQuadraticRuleUnderTheDefaultLimitsDenies() {
    Gate.Result result = Gate.evaluate(policy(CelLimits.DEFAULT, DUPLICATES), "dev", report(3000), ExceptionFile.Loaded.NONE, TODAY);
    assertThat(result.decision()).isInstanceOf(Decision.Deny.class);
    // which limit holds first depends on the machine's speed; either stops it with its reason (and a slow
    // machine may spend the whole decision's time on it, so that the next rule is denied unevaluated)
    Reason duplicates = result.decision().reasons().stream().filter(r -> r.rule().equals("duplicate-package")).findFirst().orElseThrow();
    assertThat(duplicates.action()).isEqualTo(Action.DENY);
    assertThat(duplicates.message()).matches("policy error at team/policy\\.yaml:7:21: stopped: (more than 1,000,000 comprehension iterations"
        + " \\(--cel-max-iterations\\)|took longer than 10s \\(--cel-timeout\\))");
    assertThat(result.decision().reasons()).allSatisfy(r -> assertThat(r.message()).startsWith("policy error at team/policy.yaml:"));
  }

  @Test
  void theQuadraticRuleOverFewFindingsDecidesAsWritten() {
    RiskReport r = report(3);
    RiskReport twice = report(List.of(finding(1, "minimist"), finding(2, "minimist")));
    assertThat(policy(CelLimits.DEFAULT, DUPLICATES).decide(r, "dev", TODAY)).isEqualTo(new Decision.Allow());
    assertThat(policy(CelLimits.DEFAULT, DUPLICATES).decide(twice, "dev", TODAY))
        .isEqualTo(new Decision.Warn(List.of(new Reason("duplicate-package", Action.WARN, "duplicate-package"))));
  }

  @Test
  void sevenNestedComprehensionsAreRefusedByValidate() {
    PolicyFile.Compiled c = new PolicyFile(new RuleCompiler()).parse("team/policy.yaml", SEVEN_NESTED);
    assertThat(c).isInstanceOf(PolicyFile.Invalid.class);
    assertThat(((PolicyFile.Invalid) c).problems()).extracting(Problem::display).containsExactly("team/policy.yaml:11:99: expression: "
        + "comprehensions nested 7 deep (at most 3, --cel-max-nesting): the cost grows as the 7th power of the lists they range over");
  }

  @Test
  void sevenNestedComprehensionsLetThroughAreStoppedAndDeny() {
    Policy p = policy(new CelLimits(7, 20_000, Long.MAX_VALUE, Duration.ofHours(1)), SEVEN_NESTED);
    Decision d = p.decide(report(1), "dev", TODAY);
    assertThat(d).isEqualTo(new Decision.Deny(List.of(new Reason("sum-below-zero", Action.DENY,
        "policy error at team/policy.yaml:11:11: stopped: more than 20,000 comprehension iterations (--cel-max-iterations)"))));
  }

  @Test
  void aSpentBudgetDeniesTheRulesAfterItWithoutRunningThem() {
    Policy p = policy(new CelLimits(7, Integer.MAX_VALUE, 50_000, Duration.ofHours(1)), DUPLICATES);
    Decision d = p.decide(report(3000), "dev", TODAY);
    assertThat(d.reasons()).containsExactly(
        new Reason("any-critical", Action.DENY, "policy error at team/policy.yaml:10:21: not evaluated: the evaluation budget was already"
            + " spent (more than 50,000 cost units (--cel-max-cost))"),
        new Reason("duplicate-package", Action.DENY, "policy error at team/policy.yaml:7:21: stopped: more than 50,000 cost units (--cel-max-cost)"));
  }

  @Test
  void aVariableOrAMessageOverBudgetDenies() {
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        variables:
          - name: pairs
            expression: findings.map(f, findings.map(g, f.id + g.id))
        stages:
          dev:
            rules:
              - name: many
                expression: size(findings) > 2
                action: warn
                message: "{{ findings.map(f, findings.map(g, f.id + g.id)) }}"
        """;
    Policy p = policy(new CelLimits(3, 5_000, Long.MAX_VALUE, Duration.ofHours(1)), text);
    assertThat(p.decide(report(100), "dev", TODAY).reasons()).containsExactly(
        new Reason("many", Action.DENY, "policy error at team/policy.yaml:12:21: stopped: more than 5,000 comprehension iterations (--cel-max-iterations)"),
        new Reason("variables.pairs", Action.DENY,
            "policy error at team/policy.yaml:5:17: stopped: more than 5,000 comprehension iterations (--cel-max-iterations)"),
        new Reason("many", Action.WARN, "<over budget>"));
  }

  @Test
  void theBuiltInPolicyStaysWithinTheDefaultLimitsOverManyFindings() {
    Policy p = new PolicyFile(new RuleCompiler(CelLimits.DEFAULT.withTimeout(Duration.ofHours(1)))).defaultPolicy();
    assertThat(p.decide(report(20_000), "prod", TODAY).reasons()).extracting(Reason::message).noneMatch(m -> m.startsWith("policy error"));
  }
}
