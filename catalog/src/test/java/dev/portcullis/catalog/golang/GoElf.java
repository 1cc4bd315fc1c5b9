package dev.portcullis.catalog.golang;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Minimal 64-bit little-endian ELF files carrying Go build info, laid out as the Go linker does. */
public final class GoElf {
  static final byte[] SENTINEL_START = hex("3077af0c9274080241e1c107e6d618e6");
  static final byte[] SENTINEL_END = hex("f932433186182072008242104116d8f2");
  private static final int DATA_OFFSET = 0x100;

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

  /** An ELF file holding {@code sectionData} at a 16-byte boundary, named {@code sectionName} unless stripped of section headers. */
  public static byte[] elf(byte[] sectionData, String sectionName, boolean sectionHeaders) {
    byte[] names = ("\0" + sectionName + "\0.shstrtab\0").getBytes(StandardCharsets.US_ASCII);
    int namesOffset = DATA_OFFSET + sectionData.length;
    int shoff = (namesOffset + names.length + 15) & ~15;
    ByteBuffer f = ByteBuffer.allocate(shoff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
    f.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    f.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
    f.putShort(0x34, (short) 64).putShort(0x36, (short) 56);
    if (sectionHeaders) {
      f.putLong(0x28, shoff).putShort(0x3A, (short) 64).putShort(0x3C, (short) 3).putShort(0x3E, (short) 2);
    }
    f.put(DATA_OFFSET, sectionData).put(namesOffset, names);
    // section 1: the named data section (PROGBITS), section 2: .shstrtab (STRTAB)
    f.putInt(shoff + 64, 1).putInt(shoff + 64 + 4, 1).putLong(shoff + 64 + 0x18, DATA_OFFSET).putLong(shoff + 64 + 0x20, sectionData.length);
    f.putInt(shoff + 128, 2 + sectionName.length()).putInt(shoff + 128 + 4, 3).putLong(shoff + 128 + 0x18, namesOffset).putLong(shoff + 128 + 0x20, names.length);
    return f.array();
  }

  static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
