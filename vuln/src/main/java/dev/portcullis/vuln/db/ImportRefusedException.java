package dev.portcullis.vuln.db;

import java.util.Optional;

/**
 * An import that read its inputs but did not replace the database: an input, record or row could not be
 * read ({@link #problem()}, and {@link ImportOptions#allowPartial()} was not set), or the inputs hold no
 * advisory in force. The previous database is untouched and no temporary file is left.
 */
public final class ImportRefusedException extends DatabaseException {
  private final transient Optional<Problem> problem;

  ImportRefusedException(String message, Optional<Problem> problem) {
    super(message);
    this.problem = problem;
  }

  /** The first input that could not be read; empty when the import was refused for holding no advisories. */
  public Optional<Problem> problem() {
    return problem;
  }
}
