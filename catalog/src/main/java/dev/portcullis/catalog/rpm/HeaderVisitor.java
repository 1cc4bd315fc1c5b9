package dev.portcullis.catalog.rpm;

/** Receives the header blobs of one rpm database, each named by the record it was read from. */
interface HeaderVisitor {
  void header(String record, byte[] blob);

  /** A record that is there but could not be read, and why. */
  void unreadable(String record, String reason);
}
