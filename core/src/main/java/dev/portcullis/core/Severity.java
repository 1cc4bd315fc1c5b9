package dev.portcullis.core;

import java.util.Locale;
import java.util.Optional;

/**
 * How much a finding matters, least severe first (the order of {@link #compareTo}). A
 * vulnerability is {@code UNKNOWN} when no source rates it; a check is always rated
 * {@code LOW} to {@code CRITICAL}.
 */
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

  /**
   * One of the ratings a check can have: {@code low}, {@code medium}, {@code high} or
   * {@code critical} in any case, surrounding white space ignored; empty for any other word.
   */
  public static Optional<Severity> parseRating(String word) {
    return switch (word.strip().toUpperCase(Locale.ROOT)) {
      case "LOW" -> Optional.of(LOW);
      case "MEDIUM" -> Optional.of(MEDIUM);
      case "HIGH" -> Optional.of(HIGH);
      case "CRITICAL" -> Optional.of(CRITICAL);
      default -> Optional.empty();
    };
  }

  /** Whether this is a rating a check can have ({@code LOW} to {@code CRITICAL}). */
  public boolean isRating() {
    return compareTo(LOW) >= 0;
  }

  /** {@code unknown}, {@code none}, {@code low}, {@code medium}, {@code high}, {@code critical}. */
  public String label() {
    return label;
  }
}
