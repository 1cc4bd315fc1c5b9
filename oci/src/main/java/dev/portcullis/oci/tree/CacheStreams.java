package dev.portcullis.oci.tree;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Small helpers for the binary forms of cached results ({@link LayerCache.Kind#write}). */
public final class CacheStreams {
  private static final int MAX_STRING = 1 << 20;

  private CacheStreams() {}

  /** Strings of any length (DataOutput's UTF stops at 64 KiB). */
  public static void writeString(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  public static String readString(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING) {
      throw new IOException("damaged cache entry: string of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A count written with {@code writeInt}, at most 50 million. */
  public static int readCount(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 50_000_000) {
      throw new IOException("damaged cache entry: count " + n);
    }
    return n;
  }

  static OutputStream unclosable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
