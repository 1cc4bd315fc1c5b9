package dev.portcullis.host.settings;

import java.util.Locale;
import java.util.Optional;

/** How a configuration file is written. */
public enum ConfigFormat {
  JSON,
  YAML,
  TOML;

  public static Optional<ConfigFormat> parse(String word) {
    return switch (word.strip().toLowerCase(Locale.ROOT)) {
      case "json" -> Optional.of(JSON);
      case "yaml", "yml" -> Optional.of(YAML);
      case "toml" -> Optional.of(TOML);
      default -> Optional.empty();
    };
  }
}
