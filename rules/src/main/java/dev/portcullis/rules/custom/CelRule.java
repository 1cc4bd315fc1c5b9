package dev.portcullis.rules.custom;

import dev.cel.runtime.CelEvaluationException;
import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.Check;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Redaction;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.Subject;
import dev.portcullis.rules.compose.ComposeFile;
import dev.portcullis.rules.content.Text;
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.k8s.Manifests;
import dev.portcullis.rules.secrets.SecretChecks;
import dev.portcullis.rules.secrets.SecretHit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A custom rule: where its expression is true, a finding with the rule's ID and severity. An
 * expression that fails on an input (a missing key read without {@code has()}) is a problem of
 * that input, reported once per rule and input; the other inputs are still checked. The rule
 * spends one {@link CelBudget} per input; going over it stops the rule, is a problem at the rule's
 * file, line and column, and the rule is not evaluated again in this run (each later input gets a
 * problem saying so), so a runaway rule costs one budget, not one per input.
 */
final class CelRule implements Check<Subject> {
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_.-]*)=(\\S+)");

  /** A piece of a message: text as written, or a placeholder's program. */
  sealed interface Part {}

  record Literal(String text) implements Part {}

  /** {@code line} and {@code column} (from 1) of the expression in the rule file. */
  record Placeholder(RuleCompiler.Compiled program, int line, int column) implements Part {}

  private final CheckInfo info;
  private final Target target;
  private final String file;
  private final int line;
  private final int column;
  private final RuleCompiler.Compiled condition;
  private final List<Part> message;
  private final boolean perItem;
  private final AtomicReference<@Nullable String> stopped = new AtomicReference<>();

  /** {@code line} and {@code column} (from 1) are where {@code condition} starts in {@code file}. */
  CelRule(CheckInfo info, Target target, String file, int line, int column, RuleCompiler.Compiled condition, List<Part> message) {
    this.info = info;
    this.target = target;
    this.file = file;
    this.line = line;
    this.column = column;
    this.condition = condition;
    this.message = List.copyOf(message);
    Set<String> reads = new TreeSet<>(condition.reads());
    for (Part p : message) {
      if (p instanceof Placeholder ph) {
        reads.addAll(ph.program().reads());
      }
    }
    this.perItem = target.perItemPrefix().map(prefix -> reads.stream().anyMatch(r -> r.startsWith(prefix))).orElse(false);
  }

  @Override
  public CheckInfo info() {
    return info;
  }

  Target target() {
    return target;
  }

  /** The rule file this rule was read from. */
  String file() {
    return file;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Class<Subject> subjectType() {
    return (Class<Subject>) target.subjectType();
  }

  @Override
  public List<CheckFinding> evaluate(Subject subject) {
    return report(subject).findings();
  }

  @Override
  public Report report(Subject subject) {
    List<Binding> bindings = switch (target) {
      case IMAGE -> List.of(Binding.image((ImageSubject) subject, condition.reads()));
      case DOCKERFILE -> Binding.dockerfile((Dockerfile) subject, perItem);
      case KUBERNETES -> Binding.kubernetes((Manifests) subject, perItem);
      case COMPOSE -> Binding.compose((ComposeFile) subject);
    };
    List<CheckFinding> findings = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    String before = stopped.get();
    if (before != null) {
      return new Report(List.of(), List.of(new Problem(file, line, column, "custom rule " + info.id() + " was not evaluated on " + subject.name()
          + ": it was stopped earlier (" + before + ")")));
    }
    CelBudget budget = CelBudget.start(condition.limits());
    for (Binding b : bindings) {
      try {
        Object hit = condition.eval(b.variables(), budget);
        if (!(hit instanceof Boolean)) {
          problems.add(problem(subject, b, "gave " + hit.getClass().getSimpleName() + ", not a bool"));
          break;
        }
        if ((Boolean) hit) {
          findings.add(CheckFinding.of(info, message(subject, b, budget, problems), b.location()));
        }
      } catch (CelBudget.Exceeded e) {
        problems.add(overBudget(subject, b, line, column, e));
        break;
      } catch (CelEvaluationException e) {
        problems.add(problem(subject, b, "failed: " + e.getMessage()));
        break; // one problem per rule and input is enough to fix the rule
      }
    }
    return new Report(findings, problems);
  }

  private Problem problem(Subject subject, Binding b, String what) {
    int line = b.location() instanceof FindingLocation.InFile f ? f.line() : 0;
    return new Problem(subject.name(), line, 0, "custom rule " + info.id() + " (" + file + ") " + what + " on " + b.what());
  }

  /** An expression over budget is the rule's problem, so it is reported where the rule is written. */
  private Problem overBudget(Subject subject, Binding b, int atLine, int atColumn, CelBudget.Exceeded e) {
    String on = b.what().contains(subject.name()) ? b.what() : b.what() + " in " + subject.name();
    stopped.compareAndSet(null, "on " + on + ": " + e.getMessage());
    return new Problem(file, atLine, atColumn, "custom rule " + info.id() + " on " + on + ": " + e.getMessage());
  }

  private String message(Subject subject, Binding b, CelBudget budget, List<Problem> problems) {
    if (message.isEmpty()) {
      return b.what() + ": " + info.title();
    }
    StringBuilder out = new StringBuilder();
    for (Part p : message) {
      switch (p) {
        case Literal l -> out.append(l.text());
        case Placeholder ph -> {
          try {
            out.append(show(ph.program().eval(b.variables(), budget)));
          } catch (CelBudget.Exceeded e) {
            problems.add(overBudget(subject, b, ph.line(), ph.column(), e));
            out.append("?");
          } catch (CelEvaluationException e) {
            out.append("?");
          }
        }
      }
    }
    String text = redact(out.toString(), b.variables());
    return text.isBlank() ? b.what() + ": " + info.title() : text;
  }

  private static String show(Object value) {
    return switch (value) {
      case Collection<?> c -> c.stream().map(CelRule::show).toList().toString();
      case Map<?, ?> m -> m.toString();
      default -> String.valueOf(value);
    };
  }

  /** A message never carries a credential whole: values of secret-named keys and anything a secret detector finds are redacted. */
  static String redact(String text, Map<String, Object> variables) {
    Set<String> secrets = new TreeSet<>((a, c) -> a.length() != c.length() ? Integer.compare(c.length(), a.length()) : a.compareTo(c));
    collect(null, variables, secrets);
    for (SecretHit h : SecretChecks.SCANNER.scan(Text.config(Text.Kind.ENV, "", "message", text))) {
      secrets.add(h.secret());
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, Redaction.redact(s));
    }
    return out;
  }

  private static void collect(@Nullable String key, Object value, Set<String> secrets) {
    switch (value) {
      case Map<?, ?> m -> {
        if (m.get("name") instanceof String n && m.get("value") instanceof String v && Redaction.isSecretName(n)) {
          addSecret(v, secrets);
        }
        m.forEach((k, v) -> collect(String.valueOf(k), v, secrets));
      }
      case Collection<?> c -> c.forEach(v -> collect(key, v, secrets));
      case String s -> {
        if (key != null && Redaction.isSecretName(key)) {
          addSecret(s, secrets);
        }
        Matcher m = ASSIGNMENT.matcher(s);
        while (m.find()) {
          if (Redaction.isSecretName(m.group(1))) {
            addSecret(m.group(2), secrets);
          }
        }
      }
      default -> {}
    }
  }

  private static void addSecret(String value, Set<String> secrets) {
    if (value.length() >= 4 && Redaction.isLiteralValue(value)) {
      secrets.add(value);
    }
  }

  @Override
  public String toString() {
    return info.id();
  }
}
