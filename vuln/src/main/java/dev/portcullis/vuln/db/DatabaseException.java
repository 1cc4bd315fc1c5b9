package dev.portcullis.vuln.db;

import java.io.IOException;

/** A database operation that could not be done at all; the message names the operation and the file. */
public sealed class DatabaseException extends IOException permits ImportRefusedException {
  public DatabaseException(String message) {
    super(message);
  }

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
