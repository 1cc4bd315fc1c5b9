package dev.portcullis.policy.score;

import java.util.Locale;

/**
 * A family of deductions. Each category removes at most {@link #cap()} of what is left of the
 * score, however many findings it has, so one noisy family cannot drown the others.
 */
public enum Category {
  VULNERABILITY(0.80),
  SECRET(0.70),
  DEBUG(0.50),
  MISCONFIGURATION(0.40),
  // these two weigh a fixed amount (RiskScorer), so their cap never binds
  ROOT(1.0),
  PROVENANCE(1.0);

  private final double cap;
  private final String label;

  Category(double cap) {
    this.cap = cap;
    this.label = name().toLowerCase(Locale.ROOT);
  }

  /** The largest fraction of the score this category can remove. */
  public double cap() {
    return cap;
  }

  public String label() {
    return label;
  }

  public static java.util.Optional<Category> parse(String label) {
    for (Category c : values()) {
      if (c.label().equals(label)) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }
}
