package dev.portcullis.scan;

import java.io.InterruptedIOException;

/**
 * A scan stopped before it finished, because its thread was interrupted or its deadline passed. It
 * left no temporary file and no partial cache entry behind: the next scan of the same image is
 * complete and correct.
 */
public final class ScanCancelledException extends InterruptedIOException {
  private static final long serialVersionUID = 1L;

  public ScanCancelledException(String message, Throwable cause) {
    super(message);
    initCause(cause);
  }
}
