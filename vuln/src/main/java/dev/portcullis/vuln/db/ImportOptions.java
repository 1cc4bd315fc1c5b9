package dev.portcullis.vuln.db;

import java.time.Clock;
import java.util.Objects;

/**
 * Limits, clock and strictness of an import.
 *
 * @param clock gives the build time written into {@code meta}
 * @param maxEntryBytes the largest single OSV document, zip entry or KEV file read; a larger one is a {@link Problem}
 * @param maxZipEntries the most entries read from one zip; more is a {@link Problem}
 * @param allowPartial whether an import with {@link Problem}s (inputs or parts of them that could not be read) still
 *     replaces the database with what could be read; when false, the first problem refuses the import and the
 *     previous database stays as it was
 */
public record ImportOptions(Clock clock, long maxEntryBytes, int maxZipEntries, boolean allowPartial) {
  public ImportOptions {
    Objects.requireNonNull(clock, "clock");
    if (maxEntryBytes <= 0 || maxZipEntries <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** 64 MiB per document, 5,000,000 entries per zip, the system clock, every input read whole or nothing changed. */
  public static ImportOptions defaults() {
    return new ImportOptions(Clock.systemUTC(), 64L << 20, 5_000_000, false);
  }

  public ImportOptions withClock(Clock clock) {
    return new ImportOptions(clock, maxEntryBytes, maxZipEntries, allowPartial);
  }

  public ImportOptions withAllowPartial(boolean allowPartial) {
    return new ImportOptions(clock, maxEntryBytes, maxZipEntries, allowPartial);
  }
}
