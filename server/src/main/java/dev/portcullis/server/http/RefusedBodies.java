package dev.portcullis.server.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * What is left of a refused request's body (too large), read and thrown away, so that a client
 * still sending it gets to read the refusal instead of a reset connection.
 */
public final class RefusedBodies {
  /** The most read and thrown away; a larger body's connection is closed as it would have been. */
  public static final long AT_MOST = 4L << 20;

  private RefusedBodies() {}

  /** Reads and throws away at most {@link #AT_MOST} bytes of {@code body}, in a buffer of 8 KiB; never throws. */
  public static void discard(InputStream body) {
    try (InputStream in = body) {
      byte[] buffer = new byte[8192];
      long left = AT_MOST;
      for (int n = 0; left > 0 && n >= 0; left -= Math.max(n, 0)) {
        n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      }
    } catch (IOException | RuntimeException e) {
      // the client went away or the body ended early: the answer is written all the same
    }
  }
}
