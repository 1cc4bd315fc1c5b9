package dev.portcullis.rules;

import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import java.util.List;

/**
 * One rule over one kind of input. Implementations are stateless and safe to share between
 * threads; {@link #evaluate} reports each hit with where it is and never throws for bad input
 * (what cannot be read was already reported as a {@link Problem} when the subject was made).
 */
public interface Check<S extends Subject> {
  CheckInfo info();

  /** The kind of input this check reads; the engine gives it only subjects of this type. */
  Class<S> subjectType();

  /** The hits in {@code subject}, in any order; empty when it passes. */
  List<CheckFinding> evaluate(S subject);

  /**
   * The hits and what this check could not evaluate on {@code subject} (a custom rule that fails
   * on one object); the engine calls this. By default, {@link #evaluate} with no problems.
   */
  default Report report(S subject) {
    return new Report(evaluate(subject), List.of());
  }
}
