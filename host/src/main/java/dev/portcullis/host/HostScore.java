package dev.portcullis.host;

import dev.portcullis.core.Severity;
import dev.portcullis.policy.score.Grade;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The score of a host report, 0 to 100 with the image score's grade letters, as
 * {@code docs/host-score.md} defines it. Per profile {@code c}, with {@code w} a check's weight
 * (severity weight × level factor) over the applicable automated checks (PASS, FAIL or ERROR):
 * {@code D_c = F_c / A_c} where {@code F_c} weighs the FAIL and ERROR results and {@code A_c} all of
 * them; {@code score = ⌊100 × Π_c (1 − D_c)⌋}, at most {@value #CRITICAL_CEILING} when a critical check fails.
 * Not-applicable and manual checks are counted apart and weigh nothing; an error weighs as a failure.
 *
 * @param score 0 to 100; 100 also when nothing was scored (see {@link #scored})
 * @param scored whether any applicable automated check was run
 * @param counts how many results of each status
 * @param deductions per profile, the share of weight it lost (0 to 1)
 */
public record HostScore(int score, Grade grade, boolean scored, Map<Status, Integer> counts, Map<Profile, Double> deductions) {
  /** The ceiling when a critical check fails: an F whatever else passes. */
  public static final int CRITICAL_CEILING = 49;

  public HostScore {
    counts = Map.copyOf(counts);
    deductions = Map.copyOf(deductions);
  }

  /** How much a check weighs by its severity: critical 10, high 6, medium 3, low 1. */
  public static double severityWeight(Severity s) {
    return switch (s) {
      case CRITICAL -> 10;
      case HIGH -> 6;
      case MEDIUM -> 3;
      default -> 1;
    };
  }

  /** Level 1 counts fully, Level 2 half. */
  public static double levelFactor(int level) {
    return level == 1 ? 1.0 : 0.5;
  }

  public static double weight(HostCheck c) {
    return severityWeight(c.severity()) * levelFactor(c.level());
  }

  public static HostScore of(List<CheckResult> results) {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0);
    }
    Map<Profile, double[]> sums = new EnumMap<>(Profile.class);
    boolean critical = false;
    for (CheckResult r : results.stream().sorted().toList()) {
      counts.merge(r.status(), 1, Integer::sum);
      if (!r.check().automated() || r.status() == Status.NOT_APPLICABLE || r.status() == Status.MANUAL) {
        continue;
      }
      double w = weight(r.check());
      double[] s = sums.computeIfAbsent(r.check().profile(), p -> new double[2]);
      s[1] += w;
      if (r.status() != Status.PASS) {
        s[0] += w;
        critical |= r.status() == Status.FAIL && r.check().severity() == Severity.CRITICAL;
      }
    }
    Map<Profile, Double> deductions = new EnumMap<>(Profile.class);
    double product = 1;
    for (Map.Entry<Profile, double[]> e : sums.entrySet()) {
      double d = e.getValue()[1] == 0 ? 0 : e.getValue()[0] / e.getValue()[1];
      deductions.put(e.getKey(), d);
      product *= 1 - d;
    }
    int score = (int) Math.floor(100 * product + 1e-9);
    if (critical) {
      score = Math.min(score, CRITICAL_CEILING);
    }
    return new HostScore(score, Grade.of(score), !sums.isEmpty(), counts, deductions);
  }

  /** The number of results with {@code status}. */
  public int count(Status status) {
    return Optional.ofNullable(counts.get(status)).orElse(0);
  }
}
