package dev.portcullis.catalog;

import java.util.Map;

/**
 * What every capture kept of one layer's files: capture name → tar ordinal of the file → the kept
 * bytes, or {@link #NOTHING} when the capture looked at the file and kept nothing. A file absent
 * from a capture's map was not looked at (not wanted, or over the layer's memory budget).
 */
public record LayerCaptures(Map<String, Map<Integer, byte[]>> byCapture) {
  /** The marker for "looked at, nothing kept"; compared by identity. */
  static final byte[] NOTHING = new byte[0];

  public LayerCaptures {
    byCapture = Map.copyOf(byCapture);
  }
}
