package dev.portcullis.vuln.db.internal;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Raw JSON in and out of its stored, deflated form. One instance per thread. */
public final class Deflate {
  private final Deflater deflater = new Deflater(6);
  private final Inflater inflater = new Inflater();
  private byte[] buffer = new byte[64 * 1024];

  public byte[] compress(byte[] raw) {
    deflater.reset();
    deflater.setInput(raw);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
    while (!deflater.finished()) {
      int n = deflater.deflate(buffer);
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  public byte[] decompress(byte[] stored) throws DataFormatException {
    inflater.reset();
    inflater.setInput(stored);
    ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
    while (!inflater.finished()) {
      int n = inflater.inflate(buffer);
      if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
        throw new DataFormatException("truncated deflate stream");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
