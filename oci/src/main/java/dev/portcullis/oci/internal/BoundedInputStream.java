package dev.portcullis.oci.internal;

import dev.portcullis.oci.ImageReadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reading small documents whole, with a ceiling. */
public final class BoundedInputStream {
  private BoundedInputStream() {}

  /** All of {@code in}, failing with a message naming {@code what} when it exceeds {@code max} bytes. */
  public static byte[] readAtMost(InputStream in, long max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      total += n;
      if (total > max) {
        throw new ImageReadException("read " + what + ": larger than the limit of " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
