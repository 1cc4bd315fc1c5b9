package dev.portcullis.vuln.db;

import java.time.Clock;
import java.util.Objects;

/**
 * Limits and clock of an import.
 *
 * @param clock gives the build time written into {@code meta}
 * @param maxEntryBytes the largest single OSV document, zip entry or KEV file read; larger ones are reported and skipped
 * @param maxZipEntries the most entries read from one zip; the rest is reported and skipped
 */
public record ImportOptions(Clock clock, long maxEntryBytes, int maxZipEntries) {
  public ImportOptions {
    Objects.requireNonNull(clock, "clock");
    if (maxEntryBytes <= 0 || maxZipEntries <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** 64 MiB per document, 5,000,000 entries per zip, the system clock. */
  public static ImportOptions defaults() {
    return new ImportOptions(Clock.systemUTC(), 64L << 20, 5_000_000);
  }

  public ImportOptions withClock(Clock clock) {
    return new ImportOptions(clock, maxEntryBytes, maxZipEntries);
  }
}
