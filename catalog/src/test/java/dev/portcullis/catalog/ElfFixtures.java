package dev.portcullis.catalog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Minimal 64-bit little-endian ELF files holding one named data section, for the binary catalogers' tests. */
public final class ElfFixtures {
  /** Where the section's bytes start: the 16-byte boundary the Go linker aligns build info to. */
  public static final int DATA_OFFSET = 0x100;

  private ElfFixtures() {}

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
}
