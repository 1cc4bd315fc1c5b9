package dev.portcullis.oci.internal;

import java.io.IOException;
import java.io.InputStream;

/** The one-byte {@code read()} of a stream whose work is all in its block read, so that both go through the same checks. */
public final class SingleByte {
  private SingleByte() {}

  /** One byte of {@code in} read through {@code in.read(byte[], int, int)}, or -1 at its end. */
  public static int read(InputStream in) throws IOException {
    byte[] one = new byte[1];
    int n = in.read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }
}
