package dev.portcullis.oci;

import dev.portcullis.oci.internal.Compression;
import java.io.IOException;
import java.io.InputStream;

/** Opening a stream decompressed, its compression recognised by its magic bytes rather than by a name or media type. */
public final class Decompression {
  private Decompression() {}

  /**
   * {@code raw} as the bytes it compresses: gzip and zstd are recognised by their magic bytes; anything else is
   * passed through unchanged. Closing the result closes {@code raw}.
   *
   * @throws IOException when the first bytes cannot be read
   */
  public static InputStream decompressed(InputStream raw) throws IOException {
    return Compression.decompress(raw);
  }
}
