package dev.portcullis.rules.custom;

import java.time.Duration;
import java.util.Locale;

/**
 * How much a CEL expression may cost: the operator's limits on rules and policies written by
 * others, shared by custom rules and policies. {@code maxNesting} is checked when an expression
 * is compiled; {@code maxIterations} holds for each evaluation of one expression; {@code maxCost}
 * and {@code timeout} hold for one {@link CelBudget} (a policy decision, or one custom rule on one
 * input).
 *
 * @param maxNesting how deep comprehensions ({@code exists}, {@code all}, {@code map},
 *     {@code filter}, {@code exists_one}) may nest inside each other's bodies: the cost of an
 *     expression grows as the size of its lists to this power
 * @param maxIterations comprehension iterations in one evaluation of one expression (cel-java's
 *     {@code comprehensionMaxIterations})
 * @param maxCost cost units: one per expression node evaluated, plus one per character or element
 *     that {@code +} builds
 * @param timeout wall-clock time, checked while the expression runs
 */
public record CelLimits(int maxNesting, int maxIterations, long maxCost, Duration timeout) {
  /** The limits when the operator sets none. */
  public static final CelLimits DEFAULT = new CelLimits(3, 1_000_000, 20_000_000L, Duration.ofSeconds(10));

  public CelLimits {
    if (maxNesting < 1) {
      throw new IllegalArgumentException("the CEL nesting limit must be at least 1, not " + maxNesting);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("the CEL iteration limit must be at least 1, not " + maxIterations);
    }
    if (maxCost < 1) {
      throw new IllegalArgumentException("the CEL cost limit must be at least 1, not " + maxCost);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the CEL timeout must be positive, not " + timeout);
    }
  }

  public CelLimits withMaxNesting(int n) {
    return new CelLimits(n, maxIterations, maxCost, timeout);
  }

  public CelLimits withMaxIterations(int n) {
    return new CelLimits(maxNesting, n, maxCost, timeout);
  }

  public CelLimits withMaxCost(long n) {
    return new CelLimits(maxNesting, maxIterations, n, timeout);
  }

  public CelLimits withTimeout(Duration d) {
    return new CelLimits(maxNesting, maxIterations, maxCost, d);
  }

  /** {@code 1,000,000}: limits read better with separators. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 10s}, {@code 250ms}. */
  static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
