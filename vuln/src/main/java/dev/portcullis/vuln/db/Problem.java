package dev.portcullis.vuln.db;

/**
 * Something an import skipped: {@code file} names the input (and the zip entry, as {@code
 * all.zip!GHSA-x.json}), {@code reason} says what was wrong in one line.
 */
public record Problem(String file, String reason) {
  public Problem {
    if (file.isBlank() || reason.isBlank()) {
      throw new IllegalArgumentException("a problem names its file and its reason");
    }
    reason = reason.replaceAll("\\s+", " ").strip();
  }

  @Override
  public String toString() {
    return file + ": " + reason;
  }
}
