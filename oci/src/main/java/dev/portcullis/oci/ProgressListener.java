package dev.portcullis.oci;

/** Receives progress of long work (downloads, decompression). Implementations must be cheap and thread-safe. */
public interface ProgressListener {
  ProgressListener NONE = new ProgressListener() {};

  /** Work named {@code task} of {@code total} bytes (-1 when unknown) starts. */
  default void started(String task, long total) {}

  /** {@code done} bytes of {@code task} are finished so far. */
  default void advanced(String task, long done) {}

  default void finished(String task) {}

  /** Something the user should know that does not stop the work (a skipped layer, a clamped path). */
  default void warn(String message) {}
}
