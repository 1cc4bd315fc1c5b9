package dev.portcullis.sign.testresult;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The result of a test run as the in-toto {@code test-result} predicate names it; declared best first. */
public enum Outcome {
  /** Every test passed. */
  PASSED,
  /** Nothing failed, but some tests were skipped or passed only when run again (flaky). */
  WARNED,
  /** At least one test failed or ended in an error. */
  FAILED;

  /** {@code text} exactly as the predicate spells it ({@code PASSED}, {@code WARNED}, {@code FAILED}). */
  public static Optional<Outcome> parse(String text) {
    for (Outcome o : values()) {
      if (o.name().equals(text)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** The {@code result} of a {@code test-result} predicate; empty when it is missing or not one of the three. */
  public static Optional<Outcome> of(JsonNode predicate) {
    JsonNode result = predicate.get("result");
    return result != null && result.isTextual() ? parse(result.asText()) : Optional.empty();
  }

  /** Whether this result is {@code worstAccepted} or better: {@code WARNED} meets {@code WARNED} and {@code FAILED}, not {@code PASSED}. */
  public boolean meets(Outcome worstAccepted) {
    return compareTo(worstAccepted) <= 0;
  }

  /** The worse of this and {@code other}. */
  Outcome worse(Outcome other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
