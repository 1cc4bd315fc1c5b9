package dev.portcullis.policy.score;

import java.util.Locale;
import java.util.Optional;

/** What kind of risk a finding is; the {@link #label()} is what policies and the saved report use. */
public enum Kind {
  VULNERABILITY,
  MISCONFIGURATION,
  SECRET,
  DEBUG;

  /** {@code vulnerability}, {@code misconfiguration}, {@code secret}, {@code debug}. */
  private final String label = name().toLowerCase(Locale.ROOT);

  public String label() {
    return label;
  }

  public static Optional<Kind> parse(String label) {
    for (Kind k : values()) {
      if (k.label().equals(label)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
