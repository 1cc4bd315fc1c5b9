package dev.portcullis.rules;

import java.util.ArrayList;
import java.util.List;

/** What checking one or more subjects gave: findings and problems, each sorted. */
public record Report(List<Finding> findings, List<Problem> problems) {
  public static final Report EMPTY = new Report(List.of(), List.of());

  public Report {
    findings = findings.stream().sorted().distinct().toList();
    problems = problems.stream().sorted().distinct().toList();
  }

  public Report plus(Report other) {
    List<Finding> f = new ArrayList<>(findings);
    f.addAll(other.findings);
    List<Problem> p = new ArrayList<>(problems);
    p.addAll(other.problems);
    return new Report(f, p);
  }

  public Report plusProblems(List<Problem> more) {
    return plus(new Report(List.of(), more));
  }
}
