package dev.portcullis.catalog.golang;

import dev.portcullis.catalog.ElfSections;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds and decodes the build info of an ELF executable: the {@code .go.buildinfo} section named
 * by the section headers, or, when a binary has none, the 16-byte-aligned build info magic
 * anywhere in the file. Reads the inline-string layout of Go 1.18 and later only.
 */
final class BuildInfoReader {
  /** What reading one ELF file gave. */
  sealed interface Outcome {
    /** An ELF file without Go build info. */
    record NotGo() implements Outcome {}

    /** {@code goVersion} and {@code modinfo} are the strings as stored, from which {@code info} was parsed. */
    record Found(GoBuildInfo info, String goVersion, String modinfo) implements Outcome {}

    /** Go build info that is there but cannot be read, and why. */
    record Unreadable(String reason) implements Outcome {}
  }

  static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  static final int HEADER_SIZE = 32;
  private static final int ALIGN = 16;
  private static final int FLAG_INLINE_STRINGS = 0x2;
  private static final int SENTINEL_SIZE = 16;
  private static final int MAX_STRING = 16 << 20;
  private static final String SECTION = ".go.buildinfo";

  private BuildInfoReader() {}

  static Outcome read(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    Optional<ElfSections> headers = ElfSections.read(ch);
    if (headers.isEmpty()) {
      return size < 64 ? new Outcome.NotGo() : scan(ch, size);
    }
    Optional<ElfSections.Section> found = headers.get().find(SECTION);
    if (found.isEmpty()) {
      return new Outcome.NotGo();
    }
    ElfSections.Section section = found.get();
    if (section.type() == ElfSections.Section.NOBITS || section.offset() < 0 || section.size() < HEADER_SIZE || section.offset() > size - HEADER_SIZE) {
      return scan(ch, size);
    }
    return decode(ch, section.offset(), Math.min(section.size(), size - section.offset()), true);
  }

  /** Looks for the magic at every 16-byte boundary, as the linker aligns the build info. */
  private static Outcome scan(SeekableByteChannel ch, long size) throws IOException {
    int chunk = 1 << 20;
    for (long start = 0; start < size; start += chunk) {
      ByteBuffer b = ElfSections.bytesAt(ch, start, (int) Math.min(chunk + MAGIC.length, size - start));
      byte[] a = array(b);
      for (int i = 0; i < Math.min(chunk, a.length - MAGIC.length + 1); i += ALIGN) {
        if (Arrays.equals(a, i, i + MAGIC.length, MAGIC, 0, MAGIC.length) && start + i + HEADER_SIZE <= size) {
          Outcome o = decode(ch, start + i, size - start - i, false);
          if (!(o instanceof Outcome.NotGo)) {
            return o;
          }
        }
      }
    }
    return new Outcome.NotGo();
  }

  /**
   * Decodes the header at {@code offset}. Found through the section, a bad header is unreadable
   * build info; found by scanning, it is just bytes that happen to look like the magic.
   */
  private static Outcome decode(SeekableByteChannel ch, long offset, long limit, boolean fromSection) throws IOException {
    ByteBuffer header = ElfSections.bytesAt(ch, offset, HEADER_SIZE);
    byte[] magic = new byte[MAGIC.length];
    header.get(0, magic);
    int ptrSize = header.get(14);
    int flags = header.get(15);
    if (!Arrays.equals(magic, MAGIC) || ptrSize != 4 && ptrSize != 8) {
      return fromSection ? new Outcome.Unreadable("section " + SECTION + " has no valid build info header (pointer size " + ptrSize + ")") : new Outcome.NotGo();
    }
    if ((flags & FLAG_INLINE_STRINGS) == 0) {
      return new Outcome.Unreadable("Go build info in the pointer format of Go before 1.18 is not read");
    }
    long[] pos = {offset + HEADER_SIZE};
    long end = offset + limit;
    try {
      String version = string(ch, pos, end);
      String modinfo = string(ch, pos, end);
      if (!version.startsWith("go") && !version.startsWith("devel")) {
        return new Outcome.Unreadable("build info states no Go version ('" + abbreviate(version) + "')");
      }
      if (!modinfo.isEmpty()) {
        if (modinfo.length() < 2 * SENTINEL_SIZE + 1 || modinfo.charAt(modinfo.length() - SENTINEL_SIZE - 1) != '\n') {
          return new Outcome.Unreadable("module info is not framed by its 16-byte sentinels");
        }
        modinfo = modinfo.substring(SENTINEL_SIZE, modinfo.length() - SENTINEL_SIZE);
      }
      String goVersion = version.split(" ", 2)[0];
      return new Outcome.Found(GoBuildInfo.parse(goVersion, modinfo), goVersion, modinfo);
    } catch (IllegalArgumentException e) {
      return new Outcome.Unreadable("module info: " + e.getMessage());
    } catch (EOFException e) {
      return new Outcome.Unreadable("build info strings run past " + (fromSection ? "the section" : "the file") + ": " + e.getMessage());
    }
  }

  /** A uvarint-length-prefixed string at {@code pos[0]}, advancing it. */
  private static String string(SeekableByteChannel ch, long[] pos, long end) throws IOException {
    long length = 0;
    for (int shift = 0; ; shift += 7) {
      if (shift > 63 || pos[0] >= end) {
        throw new EOFException("string length at " + pos[0] + " is not a valid varint");
      }
      int b = Byte.toUnsignedInt(ElfSections.bytesAt(ch, pos[0]++, 1).get(0));
      length |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length < 0 || length > MAX_STRING || length > end - pos[0]) {
      throw new EOFException("string of " + length + " bytes at " + pos[0]);
    }
    String s = new String(array(ElfSections.bytesAt(ch, pos[0], (int) length)), StandardCharsets.UTF_8);
    pos[0] += length;
    return s;
  }

  private static byte[] array(ByteBuffer b) {
    return b.array();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
