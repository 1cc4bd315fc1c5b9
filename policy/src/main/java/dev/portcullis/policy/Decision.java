package dev.portcullis.policy;

import java.util.List;

/** The outcome of a stage: allow, warn (allowed, with reasons) or deny (with reasons, and the warnings too). */
public sealed interface Decision {
  /** {@code allow}, {@code warn}, {@code deny}. */
  String label();

  /** Every reason, denials first, then by rule name. */
  List<Reason> reasons();

  record Allow() implements Decision {
    @Override
    public String label() {
      return "allow";
    }

    @Override
    public List<Reason> reasons() {
      return List.of();
    }
  }

  record Warn(List<Reason> warnings) implements Decision {
    public Warn {
      warnings = warnings.stream().sorted().toList();
      if (warnings.isEmpty()) {
        throw new IllegalArgumentException("a warning needs a reason");
      }
    }

    @Override
    public String label() {
      return "warn";
    }

    @Override
    public List<Reason> reasons() {
      return warnings;
    }
  }

  record Deny(List<Reason> reasons) implements Decision {
    public Deny {
      reasons = reasons.stream().sorted().toList();
      if (reasons.stream().noneMatch(r -> r.action() == Action.DENY)) {
        throw new IllegalArgumentException("a denial needs a deny reason");
      }
    }

    @Override
    public String label() {
      return "deny";
    }
  }

  /** The decision these reasons make. */
  static Decision of(List<Reason> reasons) {
    if (reasons.stream().anyMatch(r -> r.action() == Action.DENY)) {
      return new Deny(reasons);
    }
    return reasons.isEmpty() ? new Allow() : new Warn(reasons);
  }
}
