package dev.portcullis.vuln.db;

/** What {@link MirrorUpdater#update} did. */
public sealed interface UpdateOutcome {
  /**
   * Nothing had changed (HTTP 304 for the mirror's index, or for every upstream file) and the
   * database exists: nothing was downloaded or written.
   */
  record UpToDate() implements UpdateOutcome {}

  /** The database was rebuilt from the mirror's or the upstream files; {@code downloaded} of them were fetched, the rest came from the cache. */
  record Updated(int downloaded, int cached, ImportReport report) implements UpdateOutcome {}
}
