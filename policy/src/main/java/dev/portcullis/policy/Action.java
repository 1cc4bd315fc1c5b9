package dev.portcullis.policy;

import java.util.Locale;
import java.util.Optional;

/** What a rule that holds does to the decision. */
public enum Action {
  WARN,
  DENY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Action> parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "warn" -> Optional.of(WARN);
      case "deny" -> Optional.of(DENY);
      default -> Optional.empty();
    };
  }
}
