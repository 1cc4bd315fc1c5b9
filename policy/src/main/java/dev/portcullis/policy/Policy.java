package dev.portcullis.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.policy.score.RiskReport;
import dev.portcullis.rules.custom.CelBudget;
import dev.portcullis.rules.custom.CelLimits;
import dev.portcullis.rules.custom.RuleCompiler;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.testresult.Outcome;
import java.security.PublicKey;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A compiled policy: stages, each with a minimum score and rules. Deciding never throws for a
 * rule that fails at run time (a missing key, a type mismatch in a {@code dyn}): the rule counts as
 * holding, with its own action and the error as its message, so a broken deny rule fails closed.
 * A decision spends one {@link CelBudget} of {@code limits} over every expression it evaluates; an
 * expression that goes over a limit is stopped and denies at every stage, whatever its rule's
 * action, naming where it is written; once the decision's cost or time is spent, the expressions
 * after it are not evaluated and deny too.
 *
 * @param name the file it came from, or {@code built-in:default}
 * @param digest {@code sha256:} of its source text
 */
public record Policy(String name, String digest, List<Variable> variables, Map<String, Stage> stages, CelLimits limits) {
  public Policy {
    variables = List.copyOf(variables);
    stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  /** A policy under {@link CelLimits#DEFAULT}. */
  public Policy(String name, String digest, List<Variable> variables, Map<String, Stage> stages) {
    this(name, digest, variables, stages, CelLimits.DEFAULT);
  }

  /** {@code at} is where the expression starts: {@code file:line:column}. */
  public record Variable(String name, RuleCompiler.Compiled program, String at) {}

  public record Stage(String name, int minScore, List<Rule> rules, List<AttestationRequirement> attestations) {
    public Stage {
      rules = List.copyOf(rules);
      attestations = List.copyOf(attestations);
    }

    public Stage(String name, int minScore, List<Rule> rules) {
      this(name, minScore, rules, List.of());
    }
  }

  /**
   * "An attestation of {@code predicateType}, verified, signed by one of {@code signers} (key IDs),
   * made for {@code stage} with a score of at least {@code minScore}, at most {@code maxAgeDays} old,
   * with a test {@code result} no worse than the one given"; each of the last four only when given
   * ({@code result} for {@link PredicateTypes#TEST_RESULT} only). When no attestation meets it,
   * {@code action} with a message that says what was missing.
   */
  public record AttestationRequirement(String name, String predicateType, List<PublicKey> keys, @Nullable String stage,
      @Nullable Integer minScore, @Nullable Integer maxAgeDays, Action action, @Nullable Outcome result) {
    public AttestationRequirement {
      keys = List.copyOf(keys);
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("an attestation requirement names at least one signer");
      }
      if (result != null && !predicateType.equals(PredicateTypes.TEST_RESULT)) {
        throw new IllegalArgumentException("a test result is required of " + PredicateTypes.TEST_RESULT + " attestations only, not " + predicateType);
      }
    }

    /** A requirement that asks no test result. */
    public AttestationRequirement(String name, String predicateType, List<PublicKey> keys, @Nullable String stage, @Nullable Integer minScore,
        @Nullable Integer maxAgeDays, Action action) {
      this(name, predicateType, keys, stage, minScore, maxAgeDays, action, null);
    }

    /** The key IDs ({@link KeyIds}) of the signers. */
    public List<String> signers() {
      return keys.stream().map(KeyIds::of).toList();
    }

    /** Whether {@code a} meets this requirement on {@code today} (UTC). */
    public boolean metBy(Provenance.Attestation a, LocalDate today) {
      return a.verified() && a.predicateType().equals(predicateType) && signers().contains(a.signer())
          && (stage == null || stage.equals(a.stage()))
          && (minScore == null || (a.score() != null && a.score() >= minScore))
          && (maxAgeDays == null || (a.issued() != null && !LocalDate.ofInstant(a.issued(), ZoneOffset.UTC).plusDays(maxAgeDays).isBefore(today)))
          && (result == null || a.resultIfAny().flatMap(Outcome::parse).map(r -> r.meets(result)).orElse(false));
    }

    String unmet(Optional<Provenance> provenance) {
      List<String> signers = signers();
      StringBuilder b = new StringBuilder("no verified attestation ").append(predicateType).append(" signed by ")
          .append(signers.size() == 1 ? signers.get(0) : "one of " + String.join(", ", signers));
      if (stage != null) {
        b.append(" for stage ").append(stage);
      }
      if (minScore != null) {
        b.append(" with a score of at least ").append(minScore);
      }
      if (result != null) {
        b.append(" with result ").append(switch (result) {
          case PASSED -> "PASSED";
          case WARNED -> "PASSED or WARNED";
          case FAILED -> "PASSED, WARNED or FAILED";
        });
      }
      if (maxAgeDays != null) {
        b.append(" at most ").append(maxAgeDays).append(maxAgeDays == 1 ? " day" : " days").append(" old");
      }
      if (provenance.isEmpty()) {
        return b.append(" (attestations were not looked for: the image did not come from a registry)").toString();
      }
      List<String> seen = provenance.get().attestations().stream().filter(a -> a.predicateType().equals(predicateType))
          .map(a -> (a.verified() ? "" : "unverified ") + "by " + a.signer() + a.stageIfAny().map(st -> " for " + st).orElse("")
              + a.scoreIfAny().map(sc -> " score " + sc).orElse("") + a.resultIfAny().map(r -> " result " + r).orElse("")
              + a.issuedIfAny().map(t -> " at " + t).orElse(""))
          .toList();
      return b.append(seen.isEmpty() ? " (none found)" : " (found: " + String.join("; ", seen) + ")").toString();
    }
  }

  /** A rule: when {@code condition} (written at {@code at}, {@code file:line:column}) is true, {@code action} with the rendered message. */
  public record Rule(String name, Action action, RuleCompiler.Compiled condition, List<Part> message, String at) {
    public Rule {
      message = List.copyOf(message);
    }
  }

  /** A piece of a message template: text, or a {@code {{ CEL }}} placeholder. */
  public sealed interface Part {}

  public record Literal(String text) implements Part {}

  /** {@code at} is where the expression starts: {@code file:line:column}. */
  public record Placeholder(RuleCompiler.Compiled program, String at) implements Part {}

  public Optional<Stage> stage(String stage) {
    return Optional.ofNullable(stages.get(stage));
  }

  /** The decision of {@code stage} on {@code report} today (UTC); an unknown stage is a caller's error. */
  public Decision decide(RiskReport report, String stage) {
    return decide(report, stage, LocalDate.now(ZoneOffset.UTC));
  }

  /** The decision of {@code stage} on {@code report} on {@code today}, the day attestations' ages are counted to. */
  public Decision decide(RiskReport report, String stage, LocalDate today) {
    Stage s = stage(stage).orElseThrow(() -> new IllegalArgumentException(
        "policy " + name + " has no stage " + stage + " (" + String.join(", ", stages.keySet()) + ")"));
    Map<String, Object> input = PolicyInput.of(report, stage, s.minScore());
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) input.get("variables");
    CelBudget budget = CelBudget.start(limits);
    List<Reason> reasons = new ArrayList<>();
    for (Variable v : variables) {
      try {
        values.put(v.name(), v.program().eval(input, budget));
      } catch (CelBudget.Exceeded e) {
        // left out, like a failed one; the denial says why
        reasons.add(overBudget("variables." + v.name(), v.at(), e));
      } catch (CelEvaluationException e) {
        // left out: a rule that reads it fails, and says so
      }
    }
    int score = report.score().value();
    if (score < s.minScore()) {
      reasons.add(new Reason(Reason.MIN_SCORE, Action.DENY, "score " + score + " (" + report.score().grade() + ") is below the " + stage
          + " minimum of " + s.minScore()));
    }
    for (AttestationRequirement a : s.attestations()) {
      if (report.provenanceIfAny().stream().flatMap(p -> p.attestations().stream()).noneMatch(x -> a.metBy(x, today))) {
        reasons.add(new Reason(a.name(), a.action(), a.unmet(report.provenanceIfAny())));
      }
    }
    for (Rule r : s.rules()) {
      Object holds;
      try {
        holds = r.condition().eval(input, budget);
      } catch (CelBudget.Exceeded e) {
        reasons.add(overBudget(r.name(), r.at(), e));
        continue;
      } catch (CelEvaluationException e) {
        reasons.add(new Reason(r.name(), r.action(), "could not be evaluated: " + e.getMessage()));
        continue;
      }
      if (Boolean.TRUE.equals(holds)) {
        reasons.add(new Reason(r.name(), r.action(), render(r, input, budget, reasons)));
      }
    }
    return Decision.of(reasons);
  }

  /** Over budget is a policy error, not a result: it denies at every stage, whatever the rule's action. */
  private static Reason overBudget(String name, String at, CelBudget.Exceeded e) {
    return new Reason(name, Action.DENY, "policy error at " + at + ": " + e.getMessage());
  }

  private static String render(Rule r, Map<String, Object> input, CelBudget budget, List<Reason> reasons) {
    if (r.message().isEmpty()) {
      return r.name();
    }
    StringBuilder b = new StringBuilder();
    for (Part p : r.message()) {
      switch (p) {
        case Literal l -> b.append(l.text());
        case Placeholder ph -> {
          try {
            b.append(text(ph.program().eval(input, budget)));
          } catch (CelBudget.Exceeded e) {
            reasons.add(overBudget(r.name(), ph.at(), e));
            b.append("<over budget>");
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
