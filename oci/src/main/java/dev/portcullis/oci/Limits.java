package dev.portcullis.oci;

/**
 * Bounds on what reading one image may cost, so that a hostile image cannot exhaust disk or memory.
 *
 * @param maxImageBytes total uncompressed bytes over all layers
 * @param maxEntries total tar entries over all layers, counted as they stream
 * @param maxCompressionRatio uncompressed/compressed bytes of a layer, checked once it exceeds {@code ratioFloorBytes}
 * @param ratioFloorBytes uncompressed size under which the ratio is not checked
 * @param maxMetadataBytes size of a manifest, index or config blob
 * @param maxArchiveEntries entries of the outer tar of an {@code oci-archive} or {@code docker-archive}, counted as they stream
 */
public record Limits(long maxImageBytes, long maxEntries, long maxCompressionRatio, long ratioFloorBytes, long maxMetadataBytes,
    long maxArchiveEntries) {
  public static final Limits DEFAULT = new Limits(32L << 30, 5_000_000, 1_000, 64L << 20, 8L << 20, 100_000);

  public Limits {
    if (maxImageBytes <= 0 || maxEntries <= 0 || maxCompressionRatio <= 0 || ratioFloorBytes < 0 || maxMetadataBytes <= 0
        || maxArchiveEntries <= 0) {
      throw new IllegalArgumentException("image read limits must be positive");
    }
  }

  /** With the default bound on the entries of an archive's outer tar. */
  public Limits(long maxImageBytes, long maxEntries, long maxCompressionRatio, long ratioFloorBytes, long maxMetadataBytes) {
    this(maxImageBytes, maxEntries, maxCompressionRatio, ratioFloorBytes, maxMetadataBytes, 100_000);
  }

  public Limits withMaxImageBytes(long bytes) {
    return new Limits(bytes, maxEntries, maxCompressionRatio, ratioFloorBytes, maxMetadataBytes, maxArchiveEntries);
  }

  public Limits withMaxEntries(long entries) {
    return new Limits(maxImageBytes, entries, maxCompressionRatio, ratioFloorBytes, maxMetadataBytes, maxArchiveEntries);
  }

  public Limits withMaxArchiveEntries(long entries) {
    return new Limits(maxImageBytes, maxEntries, maxCompressionRatio, ratioFloorBytes, maxMetadataBytes, entries);
  }
}
