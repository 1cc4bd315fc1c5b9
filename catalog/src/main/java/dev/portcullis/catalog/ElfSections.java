package dev.portcullis.catalog;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The section header table of a 32- or 64-bit ELF file of either byte order: each section's name,
 * type and where its bytes lie in the file. Offsets and sizes are as the table states them; a
 * reader checks them against the file before it trusts them.
 */
public record ElfSections(List<Section> sections) {
  private static final int ELF_MAGIC = 0x7f454c46;
  private static final int MAX_NAMES = 16 << 20;

  public ElfSections {
    sections = List.copyOf(sections);
  }

  /** One section header; {@code offset} and {@code size} are in bytes of the file. */
  public record Section(String name, int type, long offset, long size) {
    /** {@code SHT_NOBITS}: a section that takes no bytes in the file ({@code .bss}). */
    public static final int NOBITS = 8;

    /** Whether the file holds this section's bytes, all of them inside a file of {@code fileSize} bytes. */
    public boolean inFile(long fileSize) {
      return type != NOBITS && offset >= 0 && size >= 0 && offset <= fileSize && size <= fileSize - offset;
    }
  }

  /** The first section called {@code name}. */
  public Optional<Section> find(String name) {
    return sections.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Reads the section headers; empty when the file is not ELF or has no usable section header
   * table (stripped of it, or pointing outside the file).
   */
  public static Optional<ElfSections> read(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    if (size < 64) {
      return Optional.empty();
    }
    ByteBuffer h = bytesAt(ch, 0, 64);
    if (h.getInt(0) != ELF_MAGIC) {
      return Optional.empty();
    }
    boolean is64 = h.get(4) == 2;
    h.order(h.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    long shoff = is64 ? h.getLong(0x28) : Integer.toUnsignedLong(h.getInt(0x20));
    int shentsize = Short.toUnsignedInt(h.getShort(is64 ? 0x3A : 0x2E));
    int shnum = Short.toUnsignedInt(h.getShort(is64 ? 0x3C : 0x30));
    int shstrndx = Short.toUnsignedInt(h.getShort(is64 ? 0x3E : 0x32));
    int minEntry = is64 ? 64 : 40;
    // real entries are exactly minEntry bytes; a huge one would make the table a huge allocation
    if (shoff <= 0 || shnum == 0 || shentsize < minEntry || shentsize > 4 * minEntry || shstrndx >= shnum || shoff > size || (long) shnum * shentsize > size - shoff) {
      return Optional.empty();
    }
    ByteBuffer sh = bytesAt(ch, shoff, shnum * shentsize).order(h.order());
    long[] nameOffsets = new long[shnum];
    List<Section> unnamed = new ArrayList<>(shnum);
    for (int i = 0; i < shnum; i++) {
      int b = i * shentsize;
      nameOffsets[i] = Integer.toUnsignedLong(sh.getInt(b));
      long offset = is64 ? sh.getLong(b + 0x18) : Integer.toUnsignedLong(sh.getInt(b + 0x10));
      long length = is64 ? sh.getLong(b + 0x20) : Integer.toUnsignedLong(sh.getInt(b + 0x14));
      unnamed.add(new Section("", sh.getInt(b + 4), offset, length));
    }
    Section strtab = unnamed.get(shstrndx);
    if (!strtab.inFile(size) || strtab.size() > MAX_NAMES) {
      return Optional.empty();
    }
    byte[] names = bytesAt(ch, strtab.offset(), (int) strtab.size()).array();
    List<Section> sections = new ArrayList<>(shnum);
    for (int i = 0; i < shnum; i++) {
      Section s = unnamed.get(i);
      sections.add(new Section(name(names, nameOffsets[i]), s.type(), s.offset(), s.size()));
    }
    return Optional.of(new ElfSections(sections));
  }

  /** The NUL-terminated name at {@code offset} of the string table; empty when it points outside. */
  private static String name(byte[] names, long offset) {
    if (offset >= names.length) {
      return "";
    }
    int end = (int) offset;
    while (end < names.length && names[end] != 0) {
      end++;
    }
    return new String(names, (int) offset, end - (int) offset, StandardCharsets.ISO_8859_1);
  }

  /** {@code n} bytes from {@code pos}, flipped for reading; {@link EOFException} when the file ends before. */
  public static ByteBuffer bytesAt(SeekableByteChannel ch, long pos, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    ch.position(pos);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("file ends before byte " + (pos + n));
      }
    }
    return b.flip();
  }
}
