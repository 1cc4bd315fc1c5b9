package dev.portcullis.oci;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Layer compression, recognised by magic bytes rather than trusted from the media type. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD;

  private static final int BUFFER = 1 << 16;

  /** The compression of what {@code in} starts with; {@code in} must support mark/reset. */
  public static Compression sniff(InputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }

  /** Wraps {@code raw} so that it yields the uncompressed bytes, whatever the compression. */
  public static InputStream decompress(InputStream raw) throws IOException {
    BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, BUFFER);
    return switch (sniff(in)) {
      case GZIP -> new GZIPInputStream(in, BUFFER);
      case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
      case NONE -> in;
    };
  }
}
