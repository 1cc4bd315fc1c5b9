package dev.portcullis.rules.content;

/**
 * Bounds on what is read for content checks: files larger than {@code maxFileBytes} are skipped,
 * and reading stops (with a problem reported) once {@code maxKeptBytes} of text are kept.
 */
public record ReadLimits(long maxFileBytes, long maxKeptBytes) {
  public static final ReadLimits DEFAULT = new ReadLimits(2L << 20, 512L << 20);
  /** How much of a file is looked at for a NUL byte, the sign of a binary file. */
  public static final int SNIFF_BYTES = 8192;

  public ReadLimits {
    if (maxFileBytes <= 0 || maxKeptBytes <= 0) {
      throw new IllegalArgumentException("read limits must be positive");
    }
  }

  /** Whether the first {@value #SNIFF_BYTES} bytes hold a NUL. */
  public static boolean isBinary(byte[] bytes) {
    for (int i = 0; i < Math.min(bytes.length, SNIFF_BYTES); i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
