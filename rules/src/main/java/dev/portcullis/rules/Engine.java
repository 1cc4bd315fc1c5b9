package dev.portcullis.rules;

import dev.portcullis.core.Finding.CheckFinding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs checks over subjects: each check sees only the subjects of its type. A check that fails on
 * an input becomes a {@link Problem}; the others still run.
 */
public final class Engine {
  private final List<Check<?>> checks;

  public Engine(List<Check<?>> checks) {
    this.checks = distinct(checks);
  }

  /** {@code checks} unchanged, after making sure no two share an ID. */
  public static List<Check<?>> distinct(List<Check<?>> checks) {
    Set<String> ids = new HashSet<>();
    for (Check<?> c : checks) {
      if (!ids.add(c.info().id())) {
        throw new IllegalStateException("two checks have the ID " + c.info().id());
      }
    }
    return List.copyOf(checks);
  }

  public List<Check<?>> checks() {
    return checks;
  }

  public Report evaluate(Subject subject) {
    List<CheckFinding> findings = new ArrayList<>();
    List<Problem> problems = new ArrayList<>(subject.problems());
    for (Check<?> c : checks) {
      if (c.subjectType().isInstance(subject)) {
        try {
          Report r = run(c, subject);
          findings.addAll(r.findings());
          problems.addAll(r.problems());
        } catch (RuntimeException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw e; // a cancelled run ends: a check it stopped did not fail, and must not read as one that found nothing
          }
          problems.add(new Problem(subject.name(), 0, 0, "check " + c.info().id() + " failed: " + e));
        }
      }
    }
    return new Report(findings, problems);
  }

  private static <S extends Subject> Report run(Check<S> check, Subject subject) {
    return check.report(check.subjectType().cast(subject));
  }
}
