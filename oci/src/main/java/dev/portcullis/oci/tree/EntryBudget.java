package dev.portcullis.oci.tree;

import dev.portcullis.oci.ImageReadException;

/** How many more tar entries one image may have, over all its layers. */
public final class EntryBudget {
  private final long max;
  private long used;

  public EntryBudget(long max) {
    this.max = max;
  }

  void take(String where) throws ImageReadException {
    if (++used > max) {
      throw new ImageReadException("read " + where + ": more than " + max + " entries in the image");
    }
  }
}
