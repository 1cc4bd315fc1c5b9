package dev.portcullis.rules.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.image.ImageSubject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Expressions written by others cannot run away: the O(n²) "duplicate package" rule over 3,000
 * findings and seven nested comprehensions over a 20-element list are refused or stopped within
 * their budget, with an error that says which limit held. Each test's own timeout is a generous
 * bound against a hang, never a measurement.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CelBudgetTest {
  static final RuleCompiler.Environment FINDINGS = new RuleCompiler.Environment("budget-test",
      Map.of("findings", ListType.create(SimpleType.DYN), "xs", ListType.create(SimpleType.INT)));
  static final String DUPLICATE_PACKAGE = "findings.exists(f, findings.filter(g, g.package == f.package).size() > 1)";
  static final String SEVEN_NESTED = "xs.exists(a, xs.exists(b, xs.exists(c, xs.exists(d, xs.exists(e, xs.exists(f, "
      + "xs.exists(g, a + b + c + d + e + f + g < 0)))))))";

  static Map<String, Object> input(int findings) {
    List<Object> fs = new ArrayList<>();
    for (int i = 0; i < findings; i++) {
      fs.add(Map.of("id", "CVE-2024-" + i, "package", "pkg-" + i));
    }
    return Map.of("findings", fs, "xs", IntStream.range(0, 20).mapToObj(i -> (long) i).toList());
  }

  static RuleCompiler.Compiled compiled(RuleCompiler compiler, String source) {
    RuleCompiler.Compilation c = compiler.compile(FINDINGS, RuleCompiler.Result.CONDITION, source);
    assertThat(c).as(source).isInstanceOf(RuleCompiler.Compiled.class);
    return (RuleCompiler.Compiled) c;
  }

  @Test
  void theQuadraticDuplicateRuleOver3000FindingsIsStoppedAtTheIterationLimit() {
    RuleCompiler compiler = new RuleCompiler(CelLimits.DEFAULT.withTimeout(Duration.ofHours(1)));
    CelBudget budget = CelBudget.start(compiler.limits());
    assertThatThrownBy(() -> compiled(compiler, DUPLICATE_PACKAGE).eval(input(3000), budget))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: more than 1,000,000 comprehension iterations (--cel-max-iterations)");
    assertThat(budget.cost()).isLessThan(CelLimits.DEFAULT.maxCost());
  }

  @Test
  void theQuadraticDuplicateRuleOver3000FindingsIsStoppedByTheDefaultLimits() {
    RuleCompiler compiler = new RuleCompiler();
    CelBudget budget = CelBudget.start(compiler.limits());
    // which limit holds first depends on the machine's speed; either stops it with its reason
    assertThatThrownBy(() -> compiled(compiler, DUPLICATE_PACKAGE).eval(input(3000), budget))
        .isInstanceOf(CelBudget.Exceeded.class)
        .message().matches("stopped: (more than 1,000,000 comprehension iterations \\(--cel-max-iterations\\)|took longer than 10s \\(--cel-timeout\\))");
  }

  @Test
  void theSameRuleOverFewFindingsStillDecides() throws Exception {
    RuleCompiler compiler = new RuleCompiler();
    Map<String, Object> twoOfOne = Map.of("findings", List.of(Map.of("package", "a"), Map.of("package", "b"), Map.of("package", "a")),
        "xs", List.of());
    CelBudget budget = CelBudget.start(compiler.limits());
    assertThat(compiled(compiler, DUPLICATE_PACKAGE).eval(twoOfOne, budget)).isEqualTo(true);
    assertThat(compiled(compiler, DUPLICATE_PACKAGE).eval(input(300), budget)).isEqualTo(false);
    assertThat(budget.spent()).isEmpty();
  }

  @Test
  void sevenNestedComprehensionsDoNotCompile() {
    RuleCompiler.Compilation c = new RuleCompiler().compile(FINDINGS, RuleCompiler.Result.CONDITION, SEVEN_NESTED);
    assertThat(c).isInstanceOf(RuleCompiler.Failed.class);
    RuleCompiler.Error e = ((RuleCompiler.Failed) c).errors().get(0);
    assertThat(e.message()).isEqualTo("comprehensions nested 7 deep (at most 3, --cel-max-nesting): "
        + "the cost grows as the 7th power of the lists they range over");
    assertThat(SEVEN_NESTED.substring(e.column())).as("points at the fourth comprehension").startsWith("(d, ");
  }

  @Test
  void threeNestedComprehensionsCompile() {
    compiled(new RuleCompiler(), "xs.exists(a, xs.exists(b, xs.filter(c, c == a + b).size() > 0))");
    compiled(new RuleCompiler(), "xs.map(a, a * 2).filter(b, b > 2).exists(c, c > 3) && xs.all(a, xs.exists(b, b > a))");
  }

  @Test
  void sevenNestedComprehensionsAllowedToCompileAreStoppedWhileRunning() {
    // only the iteration limit can stop it here: no cost limit, and a deadline far beyond this test's timeout
    RuleCompiler compiler = new RuleCompiler(new CelLimits(7, 20_000, Long.MAX_VALUE, Duration.ofHours(1)));
    assertThatThrownBy(() -> compiled(compiler, SEVEN_NESTED).eval(input(0), CelBudget.start(compiler.limits())))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: more than 20,000 comprehension iterations (--cel-max-iterations)");
  }

  @Test
  void theCostLimitStopsWhatTheIterationLimitAllows() {
    RuleCompiler compiler = new RuleCompiler(new CelLimits(7, Integer.MAX_VALUE, 200_000, Duration.ofHours(1)));
    CelBudget budget = CelBudget.start(compiler.limits());
    assertThatThrownBy(() -> compiled(compiler, SEVEN_NESTED).eval(input(0), budget))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: more than 200,000 cost units (--cel-max-cost)");
    assertThat(budget.cost()).isEqualTo(200_001);
  }

  @Test
  void theDeadlineStopsWhatNoCountLimits() {
    RuleCompiler compiler = new RuleCompiler(new CelLimits(7, Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofMillis(200)));
    CelBudget budget = CelBudget.start(compiler.limits());
    assertThatThrownBy(() -> compiled(compiler, SEVEN_NESTED).eval(input(0), budget))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: took longer than 200ms (--cel-timeout)");
    assertThat(budget.spent()).contains("took longer than 200ms (--cel-timeout)");
  }

  @Test
  void anErrorThatCelWouldAbsorbStillStopsTheEvaluation() {
    // CEL evaluates `error || true` to true; the spent budget must not let the evaluation carry on
    RuleCompiler compiler = new RuleCompiler(new CelLimits(7, Integer.MAX_VALUE, 100_000, Duration.ofHours(1)));
    assertThatThrownBy(() -> compiled(compiler, "(" + SEVEN_NESTED + ") || true").eval(input(0), CelBudget.start(compiler.limits())))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: more than 100,000 cost units (--cel-max-cost)");
  }

  @Test
  void aSpentBudgetStopsTheNextExpressionBeforeItStarts() throws Exception {
    RuleCompiler compiler = new RuleCompiler(new CelLimits(7, Integer.MAX_VALUE, 100_000, Duration.ofHours(1)));
    CelBudget budget = CelBudget.start(compiler.limits());
    assertThatThrownBy(() -> compiled(compiler, SEVEN_NESTED).eval(input(0), budget)).isInstanceOf(CelBudget.Exceeded.class);
    long spent = budget.cost();
    assertThatThrownBy(() -> compiled(compiler, "size(xs) > 0").eval(input(0), budget))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("not evaluated: the evaluation budget was already spent (more than 100,000 cost units (--cel-max-cost))")
        .satisfies(e -> assertThat(((CelBudget.Exceeded) e).already()).isTrue());
    assertThat(budget.cost()).isEqualTo(spent);
  }

  @Test
  void concatenationIsChargedByWhatItBuilds() throws Exception {
    RuleCompiler compiler = new RuleCompiler(new CelLimits(3, Integer.MAX_VALUE, 50_000, Duration.ofHours(1)));
    String thousand = "x".repeat(1000);
    // 20 iterations, each building a string of 4,000 characters: 80,000 units of what + built
    String source = "xs.map(i, '" + thousand + "' + '" + thousand + "' + '" + thousand + "' + '" + thousand + "').size() > 0";
    assertThatThrownBy(() -> compiled(compiler, source).eval(input(0), CelBudget.start(compiler.limits())))
        .isInstanceOf(CelBudget.Exceeded.class)
        .hasMessage("stopped: more than 50,000 cost units (--cel-max-cost)");
    // a macro's own accumulation is not charged per element: map over 3,000 costs a few units each
    CelBudget budget = CelBudget.start(CelLimits.DEFAULT);
    compiled(new RuleCompiler(), "findings.map(f, f.id).size() == 3000").eval(input(3000), budget);
    assertThat(budget.cost()).isLessThan(3000 * 10);
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> CelLimits.DEFAULT.withMaxIterations(0)).hasMessage("the CEL iteration limit must be at least 1, not 0");
    assertThatThrownBy(() -> CelLimits.DEFAULT.withMaxNesting(0)).hasMessage("the CEL nesting limit must be at least 1, not 0");
    assertThatThrownBy(() -> CelLimits.DEFAULT.withMaxCost(-1)).hasMessage("the CEL cost limit must be at least 1, not -1");
    assertThatThrownBy(() -> CelLimits.DEFAULT.withTimeout(Duration.ZERO)).hasMessage("the CEL timeout must be positive, not PT0S");
  }

  /** An O(n²) custom rule: every pair of environment variables compared. */
  static final String DUPLICATE_VALUES = """
      id: ACME-IMG-009
      severity: low
      title: Two variables hold the same value
      remediation: Remove the duplicate.
      target: image
      expression: image.env.exists(k, image.env.exists(j, j != k && image.env[j] == image.env[k]))
      """;

  static ImageSubject imageWithEnv(int n) {
    return CustomRulesTest.image("app", IntStream.range(0, n).mapToObj(i -> "VAR_" + i + "=value-" + i).toList());
  }

  @Test
  void aCustomRuleOverBudgetIsAProblemAtItsFileLineAndColumn() {
    String rule = DUPLICATE_VALUES;
    RuleCompiler compiler = new RuleCompiler(new CelLimits(3, 100_000, Long.MAX_VALUE, Duration.ofHours(1)));
    // the same rule on a small image decides
    List<Check<?>> fresh = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("acme/dup.yaml", rule), compiler)).checks();
    assertThat(new Engine(fresh).evaluate(imageWithEnv(20)).problems()).isEmpty();
    List<Check<?>> checks = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("acme/dup.yaml", rule), compiler)).checks();
    Report r = new Engine(checks).evaluate(imageWithEnv(3000));
    assertThat(r.findings()).isEmpty();
    assertThat(r.problems()).extracting(Problem::display).containsExactly("acme/dup.yaml:6:13: custom rule ACME-IMG-009 on image"
        + " registry.acme.test/app:1: stopped: more than 100,000 comprehension iterations (--cel-max-iterations)");
    // stopped once, the rule is not run again on the next input
    assertThat(new Engine(checks).evaluate(imageWithEnv(2)).problems()).extracting(Problem::display).containsExactly(
        "acme/dup.yaml:6:13: custom rule ACME-IMG-009 was not evaluated on registry.acme.test/app:1: it was stopped earlier (on image"
            + " registry.acme.test/app:1: stopped: more than 100,000 comprehension iterations (--cel-max-iterations))");
  }

  @Test
  void aCustomRuleOverTheDefaultBudgetOver3000InputsStops() {
    String rule = DUPLICATE_VALUES;
    List<Check<?>> checks = ((CustomRules.Loaded.Rules) CustomRules.parse(Map.of("acme/dup.yaml", rule), new RuleCompiler())).checks();
    Report r = new Engine(checks).evaluate(imageWithEnv(3000));
    // which limit holds first depends on the machine's speed; either stops it with its reason
    assertThat(r.findings()).isEmpty();
    assertThat(r.problems()).extracting(Problem::display).singleElement().asString().matches("acme/dup\\.yaml:6:13: custom rule ACME-IMG-009 on image "
        + "registry\\.acme\\.test/app:1: stopped: (more than 1,000,000 comprehension iterations \\(--cel-max-iterations\\)"
        + "|took longer than 10s \\(--cel-timeout\\))");
  }

  @Test
  void aCustomRuleNestedTooDeepIsRefusedAtItsPosition() {
    String rule = """
        id: ACME-IMG-010
        severity: low
        title: t
        remediation: r
        target: image
        expression: >-
          image.cmd.exists(a, image.cmd.exists(b,
          image.cmd.exists(c, image.cmd.exists(d, a + b + c + d == ""))))
        """;
    CustomRules.Loaded loaded = CustomRules.parse(Map.of("acme/deep.yaml", rule), new RuleCompiler());
    assertThat(loaded).isInstanceOf(CustomRules.Loaded.Invalid.class);
    assertThat(((CustomRules.Loaded.Invalid) loaded).problems()).extracting(Problem::display).containsExactly("acme/deep.yaml:8:39: expression: "
        + "comprehensions nested 4 deep (at most 3, --cel-max-nesting): the cost grows as the 4th power of the lists they range over");
  }
}
