package dev.portcullis.oci.internal;

import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Limits;
import java.util.concurrent.atomic.AtomicLong;

/** What one image may still cost; shared by all its layers so that the limits hold for the whole image. */
public final class ReadBudget {
  private final Limits limits;
  private final String image;
  private final AtomicLong bytes = new AtomicLong();

  public ReadBudget(Limits limits, String image) {
    this.limits = limits;
    this.image = image;
  }

  public Limits limits() {
    return limits;
  }

  /** Counts {@code n} more uncompressed bytes. */
  public void addBytes(long n) throws ImageReadException {
    long total = bytes.addAndGet(n);
    if (total > limits.maxImageBytes()) {
      throw new ImageReadException("read " + image + ": uncompressed size exceeds the limit of " + limits.maxImageBytes() + " bytes (--max-image-size)");
    }
  }
}
