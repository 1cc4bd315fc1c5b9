package dev.portcullis.vuln.osv;

/** What {@link OsvParser} made of one document: an advisory, or why it is not one. */
public sealed interface ParseResult {
  /** A well-formed record. */
  record Parsed(Advisory advisory) implements ParseResult {}

  /** Not an OSV record; {@code reason} is one line naming the first defect found. */
  record Malformed(String reason) implements ParseResult {
    public Malformed {
      if (reason.isBlank() || reason.contains("\n")) {
        throw new IllegalArgumentException("a reason is one non-empty line");
      }
    }
  }
}
