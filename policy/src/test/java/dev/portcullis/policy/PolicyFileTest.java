package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.ImageFacts;
import dev.portcullis.policy.score.Kind;
import dev.portcullis.policy.score.RiskFinding;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.custom.RuleCompiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyFileTest {
  final PolicyFile policies = new PolicyFile(new RuleCompiler());

  @Test
  void threeMistakesAreReportedTogetherWithTheirPositions() throws IOException {
    String text;
    try (var in = getClass().getResourceAsStream("bad/three-mistakes.yaml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PolicyFile.Compiled c = policies.parse("three-mistakes.yaml", text);
    assertThat(c).isInstanceOf(PolicyFile.Invalid.class);
    assertThat(((PolicyFile.Invalid) c).problems()).extracting(Problem::display).containsExactly(
        "three-mistakes.yaml:5:15: minScore must be 0 to 100, not 170",
        "three-mistakes.yaml:8:49: expression: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
        "three-mistakes.yaml:12:17: action must be deny or warn, not 'block'");
  }

  @Test
  void anUndefinedVariableIsReportedWhereItIsUsed() {
    String text = """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          dev:
            rules:
              - name: x
                expression: size(variables.nope) > 0
                action: warn
        """;
    PolicyFile.Invalid c = (PolicyFile.Invalid) policies.parse("p.yaml", text);
    assertThat(c.problems()).extracting(Problem::display).containsExactly("p.yaml:7:36: expression: no variable nope is defined before this point");
  }

  @Test
  void theSameSourceIsCompiledOnce() {
    Policy a = policies.defaultPolicy();
    Policy b = policies.defaultPolicy();
    assertThat(a).isSameAs(b);
    assertThat(policies.compiledCount()).isEqualTo(1);
    assertThat(a.stageNames()).containsExactly("dev", "test", "prod");
  }

  @Test
  void messagesRenderTheirPlaceholders() {
    RiskFinding jdwp = RiskFinding.rule("PCS-DEBUG-001", Kind.DEBUG, Severity.HIGH, false, "JDWP debug agent enabled", "config.Env[0]");
    RiskReport r = RiskReport.of(new ImageFacts("app:1", "sha256:" + "b".repeat(64), "1000", Map.of()), null, List.of(jdwp), null);
    Policy p = policies.defaultPolicy();
    assertThat(p.decide(r, "dev")).isEqualTo(new Decision.Allow());
    Decision prod = p.decide(r, "prod");
    assertThat(prod).isInstanceOf(Decision.Deny.class);
    assertThat(prod.reasons()).containsExactly(new Reason("debug-leftover", Action.DENY, "debug leftovers: PCS-DEBUG-001 at config.Env[0]"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5})
  void byKindAndKevHoldTheFindingsThatFilteringWouldGive(long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<RiskFinding> list = new java.util.ArrayList<>();
    Kind[] kinds = Kind.values();
    for (int i = 0; i < 200; i++) {
      Kind kind = kinds[random.nextInt(kinds.length)];
      list.add(kind == Kind.VULNERABILITY
          ? new RiskFinding("CVE-" + i, List.of(), kind, Severity.HIGH, "p", "1", "pkg:npm/p@1", false, random.nextInt(5) == 0, null,
              RiskFinding.Fix.FIXED, "2", false, "t", "/p")
          : RiskFinding.rule("PCS-" + i, kind, Severity.LOW, false, "t", "/f" + i));
    }
    RiskReport r = RiskReport.of(new ImageFacts("app:1", "sha256:" + "c".repeat(64), "1000", Map.of()), null, list, null);
    StringBuilder rules = new StringBuilder();
    for (Kind k : kinds) {
      rules.append("      - name: ").append(k.label()).append("\n        expression: byKind['").append(k.label())
          .append("'] != findings.filter(f, f.kind == '").append(k.label()).append("')\n        action: deny\n");
    }
    rules.append("      - name: kev\n        expression: kev != findings.filter(f, f.kind == 'vulnerability' && f.kev) || size(kev) == 0\n        action: deny\n");
    String text = "apiVersion: portcullis.dev/v1\nkind: Policy\nstages:\n  s:\n    rules:\n" + rules;
    Policy p = ((PolicyFile.Valid) policies.parse("p.yaml", text)).policy();
    assertThat(p.decide(r, "s")).isEqualTo(new Decision.Allow());
  }
}
