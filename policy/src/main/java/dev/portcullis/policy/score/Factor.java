package dev.portcullis.policy.score;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One deduction: findings of one category that weigh the same for the same reason.
 *
 * @param category the family it counts against
 * @param weight what each of its findings weighs (0–1) before the category's saturation
 * @param reason why, in words: {@code critical vulnerability in an application package, fix available, listed in KEV}
 * @param findings the IDs of the findings it came from, sorted , each once
 * @param ceiling the highest score the image can have because of it, for factors that cap rather than deduct
 */
public record Factor(Category category, double weight, String reason, List<String> findings, @Nullable Integer ceiling) {
  public Factor {
    if (weight < 0 || weight > 1) {
      throw new IllegalArgumentException("a factor weighs 0 to 1, not " + weight);
    }
    findings = findings.stream().distinct().sorted().toList();
  }

  public Optional<Integer> ceilingIfAny() {
    return Optional.ofNullable(ceiling);
  }
}
