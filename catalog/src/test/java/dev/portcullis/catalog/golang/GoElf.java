package dev.portcullis.catalog.golang;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Go build info as the Go linker lays it out, for {@link dev.portcullis.catalog.ElfFixtures#elf}. */
public final class GoElf {
  static final byte[] SENTINEL_START = hex("3077af0c9274080241e1c107e6d618e6");
  static final byte[] SENTINEL_END = hex("f932433186182072008242104116d8f2");

  private GoElf() {}

  /** Build info section content: header, then the uvarint-prefixed version and framed module info. */
  public static byte[] buildInfo(String version, String modinfo, int flags) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
    b.write(8);
    b.write(flags);
    b.writeBytes(new byte[16]);
    writeString(b, version.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    if (!modinfo.isEmpty()) {
      m.writeBytes(SENTINEL_START);
      m.writeBytes(modinfo.getBytes(StandardCharsets.UTF_8));
      m.writeBytes(SENTINEL_END);
    }
    writeString(b, m.toByteArray());
    return b.toByteArray();
  }

  static void writeString(ByteArrayOutputStream b, byte[] s) {
    long n = s.length;
    while (n >= 0x80) {
      b.write((int) (n & 0x7f) | 0x80);
      n >>>= 7;
    }
    b.write((int) n);
    b.writeBytes(s);
  }

  static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
