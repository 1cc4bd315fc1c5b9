package dev.portcullis.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.RuleCompiler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A compiled policy: stages, each with a minimum score and rules. Deciding never throws for a
 * rule that fails at run time (a missing key, a type mismatch in a {@code dyn}): the rule counts as
 * holding, with its own action and the error as its message, so a broken deny rule fails closed.
 *
 * @param name the file it came from, or {@code built-in:default}
 * @param digest {@code sha256:} of its source text
 */
public record Policy(String name, String digest, List<Variable> variables, Map<String, Stage> stages) {
  public Policy {
    variables = List.copyOf(variables);
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  public record Variable(String name, RuleCompiler.Compiled program) {}

  public record Stage(String name, int minScore, List<Rule> rules) {
    public Stage {
      rules = List.copyOf(rules);
    }
  }

  /** A rule: when {@code condition} is true, {@code action} with the rendered message. */
  public record Rule(String name, Action action, RuleCompiler.Compiled condition, List<Part> message) {
    public Rule {
      message = List.copyOf(message);
    }
  }

  /** A piece of a message template: text, or a {@code {{ CEL }}} placeholder. */
  public sealed interface Part {}

  public record Literal(String text) implements Part {}

  public record Placeholder(RuleCompiler.Compiled program) implements Part {}

  public Optional<Stage> stage(String stage) {
    return Optional.ofNullable(stages.get(stage));
  }

  /** The decision of {@code stage} on {@code report}; an unknown stage is a caller's error. */
  public Decision decide(RiskReport report, String stage) {
    Stage s = stage(stage).orElseThrow(() -> new IllegalArgumentException(
        "policy " + name + " has no stage " + stage + " (" + String.join(", ", stages.keySet()) + ")"));
    Map<String, Object> input = PolicyInput.of(report, stage, s.minScore());
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) input.get("variables");
    for (Variable v : variables) {
      try {
        values.put(v.name(), v.program().eval(input));
      } catch (CelEvaluationException e) {
        // left out: a rule that reads it fails, and says so
      }
    }
    List<Reason> reasons = new ArrayList<>();
    int score = report.score().value();
    if (score < s.minScore()) {
      reasons.add(new Reason(Reason.MIN_SCORE, Action.DENY, "score " + score + " (" + report.score().grade() + ") is below the " + stage
          + " minimum of " + s.minScore()));
    }
    for (Rule r : s.rules()) {
      Object holds;
      try {
        holds = r.condition().eval(input);
      } catch (CelEvaluationException e) {
        reasons.add(new Reason(r.name(), r.action(), "could not be evaluated: " + e.getMessage()));
        continue;
      }
      if (Boolean.TRUE.equals(holds)) {
        reasons.add(new Reason(r.name(), r.action(), render(r, input)));
      }
    }
    return Decision.of(reasons);
  }

  private static String render(Rule r, Map<String, Object> input) {
    if (r.message().isEmpty()) {
      return r.name();
    }
    StringBuilder b = new StringBuilder();
    for (Part p : r.message()) {
      switch (p) {
        case Literal l -> b.append(l.text());
        case Placeholder ph -> {
          try {
            b.append(text(ph.program().eval(input)));
          } catch (CelEvaluationException e) {
            b.append("<").append(e.getMessage()).append(">");
          }
        }
      }
    }
    return b.toString().strip();
  }

  private static String text(Object value) {
    return switch (value) {
      case Collection<?> c -> c.stream().map(Policy::text).collect(Collectors.joining(", "));
      case Map<?, ?> m -> m.toString();
      case Double d when d == Math.rint(d) && !d.isInfinite() -> String.valueOf(d.longValue());
      default -> String.valueOf(value);
    };
  }

  /** The stage names in the order written. */
  public Set<String> stageNames() {
    return stages.keySet();
  }
}
