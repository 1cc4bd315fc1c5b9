package dev.portcullis.vuln.report;

import java.util.Locale;
import java.util.Optional;

/** A finding's severity, ordered from least to most severe; {@code UNKNOWN} when no source gives one. */
public enum Severity {
  UNKNOWN,
  NONE,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The CVSS v3/v4 qualitative rating of a base score (0.0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical). */
  public static Severity ofScore(double score) {
    if (score <= 0.0) {
      return NONE;
    }
    return score < 4.0 ? LOW : score < 7.0 ? MEDIUM : score < 9.0 ? HIGH : CRITICAL;
  }

  /** A severity word as distributions and GHSA write it ({@code moderate} is medium, {@code important} high, {@code negligible} and {@code unimportant} low). */
  public static Optional<Severity> parse(String word) {
    return switch (word.strip().toLowerCase(Locale.ROOT)) {
      case "critical" -> Optional.of(CRITICAL);
      case "high", "important" -> Optional.of(HIGH);
      case "medium", "moderate" -> Optional.of(MEDIUM);
      case "low", "negligible", "unimportant", "minor" -> Optional.of(LOW);
      case "none" -> Optional.of(NONE);
      case "unknown", "" -> Optional.of(UNKNOWN);
      default -> Optional.empty();
    };
  }

  public String label() {
    return label;
  }
}
