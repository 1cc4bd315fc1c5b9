package dev.portcullis.admission;

import java.util.List;

/** What admission answers for one request. */
public sealed interface Outcome {
  /** The violations found, enforced or not. */
  List<Violation> violations();

  /** Start it; {@code warnings} are shown to the user (Kubernetes admission warnings). */
  record Admit(List<Violation> violations, List<String> warnings) implements Outcome {
    public Admit {
      violations = List.copyOf(violations);
      warnings = List.copyOf(warnings);
    }
  }

  /** Refuse it; {@code message} names every rule broken. */
  record Refuse(List<Violation> violations, String message) implements Outcome {
    public Refuse {
      violations = List.copyOf(violations);
      if (violations.isEmpty() || message.isBlank()) {
        throw new IllegalArgumentException("a refusal needs a violation and a message");
      }
    }
  }
}
