package dev.portcullis.rules;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.Severity;
import java.util.ArrayList;
import java.util.List;

/** What checking one or more subjects gave: findings, problems and findings an allowlist let through, each sorted. */
public record Report(List<CheckFinding> findings, List<Problem> problems, List<Allowed> allowed) {
  public static final Report EMPTY = new Report(List.of(), List.of());

  public Report {
    findings = sortedDistinct(findings);
    problems = sortedDistinct(problems);
    allowed = sortedDistinct(allowed);
  }

  /** Most checks find nothing or one thing in a subject: those lists need no sorting. */
  private static <T extends Comparable<? super T>> List<T> sortedDistinct(List<T> items) {
    return items.size() < 2 ? List.copyOf(items) : items.stream().sorted().distinct().toList();
  }

  public Report(List<CheckFinding> findings, List<Problem> problems) {
    this(findings, problems, List.of());
  }

  public Report plus(Report other) {
    List<CheckFinding> f = new ArrayList<>(findings);
    f.addAll(other.findings);
    List<Problem> p = new ArrayList<>(problems);
    p.addAll(other.problems);
    List<Allowed> a = new ArrayList<>(allowed);
    a.addAll(other.allowed);
    return new Report(f, p, a);
  }

  /** The reports of many subjects as one, sorted once (adding them one by one with {@link #plus} sorts at every step). */
  public static Report of(List<Report> parts) {
    List<CheckFinding> f = new ArrayList<>();
    List<Problem> p = new ArrayList<>();
    List<Allowed> a = new ArrayList<>();
    for (Report r : parts) {
      f.addAll(r.findings);
      p.addAll(r.problems);
      a.addAll(r.allowed);
    }
    return new Report(f, p, a);
  }

  public Report plusProblems(List<Problem> more) {
    return plus(new Report(List.of(), more));
  }

  /** This report with only the findings at or above {@code min}; problems and allowed findings stay. */
  public Report atLeast(Severity min) {
    return new Report(findings.stream().filter(f -> f.severity().compareTo(min) >= 0).toList(), problems, allowed);
  }
}
