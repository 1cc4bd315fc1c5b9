package dev.portcullis.policy.score;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The score of one image and how it came about.
 *
 * @param value 0–100, 100 meaning no known risk
 * @param grade the letter of {@code value}
 * @param deductions per category, the fraction of the score it removed (0 to the category's cap)
 * @param factors every deduction and ceiling, by category then weight (heaviest first) then reason
 */
public record RiskScore(int value, Grade grade, Map<Category, Double> deductions, List<Factor> factors) {
  public RiskScore {
    if (grade != Grade.of(value)) {
      throw new IllegalArgumentException("score " + value + " is grade " + Grade.of(value) + ", not " + grade);
    }
    deductions = java.util.Collections.unmodifiableMap(new TreeMap<>(deductions));
    factors = List.copyOf(factors);
  }
}
