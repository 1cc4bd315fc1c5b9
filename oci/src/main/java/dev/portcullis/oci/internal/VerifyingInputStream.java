package dev.portcullis.oci.internal;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.ImageReadException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * Hashes what passes through and, at the end of the stream, fails unless the content has the
 * expected digest (and size, when one is expected). Reading stops with an error as soon as more
 * bytes than expected arrive, so a lying size cannot make us read forever.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private final MessageDigest md;
  private long count;
  private boolean checked;
  private @Nullable ImageReadException failure;

  /**
   * @param expectedSize the size the content must have, or -1 when unknown
   * @param what what is being read, for the message: {@code blob sha256:... of IMAGE}
   */
  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
    this.md = expected.newMessageDigest();
  }

  @Override
  public int read() throws IOException {
    return SingleByte.read(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      check();
      return -1;
    }
    md.update(b, off, n);
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new ImageReadException("read " + what + ": more than the " + expectedSize + " bytes its descriptor declares");
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Drains what is left, then verifies; for callers that stop reading before the end. */
  public void drainAndVerify() throws IOException {
    byte[] buf = new byte[65536];
    while (read(buf, 0, buf.length) >= 0) {
      // the digest covers every byte
    }
  }

  private void check() throws IOException {
    if (checked) {
      // a reader may swallow the first failure (GZIPInputStream does, probing for another member): repeat it
      if (failure != null) {
        throw failure;
      }
      return;
    }
    checked = true;
    if (expectedSize >= 0 && count < expectedSize) {
      failure = new ImageReadException("read " + what + ": truncated: expected " + expectedSize + " bytes, got " + count);
      throw failure;
    }
    Digest actual = Digest.of(md);
    if (!actual.equals(expected)) {
      failure = new ImageReadException("verify " + what + ": digest mismatch: expected " + expected + ", got " + actual);
      throw failure;
    }
  }

  /** Reads all of {@code in} (at most {@code max} bytes) and verifies it; closes {@code in}. */
  public static byte[] readVerified(InputStream in, Digest expected, long expectedSize, long max, String what) throws IOException {
    if (expectedSize > max) {
      throw new ImageReadException("read " + what + ": " + expectedSize + " bytes is more than the limit of " + max);
    }
    try (VerifyingInputStream v = new VerifyingInputStream(in, expected, expectedSize, what)) {
      byte[] bytes = BoundedInputStream.readAtMost(v, max, what);
      v.check();
      return bytes;
    }
  }
}
