package dev.portcullis.catalog.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * The key/value pairs of a Berkeley DB hash database file, read straight from its pages without
 * Berkeley DB: the metadata page, then every hash page in file order, with values longer than a
 * page gathered from their chain of overflow pages. Either byte order is read. Nothing the file
 * states is trusted: page numbers, item offsets and lengths are checked against the file, so a
 * damaged pair is reported to the visitor and the other pairs are still read.
 */
final class BerkeleyHashFile {
  /** Receives the pairs of a hash file in page order, and the items that could not be read. */
  interface Visitor {
    /** A pair; {@code where} names the page and item, the key is in the file's byte order. */
    void pair(String where, byte[] key, byte[] value);

    void unreadable(String where, String reason);
  }

  static final int HASH_MAGIC = 0x061561;
  private static final int META_SIZE = 512;
  private static final int PAGE_HEADER = 26;
  private static final int P_HASH_UNSORTED = 2;
  private static final int P_OVERFLOW = 7;
  private static final int P_HASHMETA = 8;
  private static final int P_HASH = 13;
  private static final int H_KEYDATA = 1;
  private static final int H_OFFPAGE = 3;
  private static final int OFFPAGE_ITEM = 12;
  private static final int METAFLAG_CHECKSUM = 0x01;

  private final FileChannel file;
  private final ByteOrder order;
  private final int pageSize;
  private final long pages;
  private final long maxValueBytes;

  private BerkeleyHashFile(FileChannel file, ByteOrder order, int pageSize, long pages, long maxValueBytes) {
    this.file = file;
    this.order = order;
    this.pageSize = pageSize;
    this.pages = pages;
    this.maxValueBytes = maxValueBytes;
  }

  /**
   * Reads the metadata page.
   *
   * @param maxValueBytes the longest key or value that is read; longer ones are reported unreadable
   * @throws IllegalArgumentException if the file is not a Berkeley DB hash file this class can read,
   *     saying what is wrong with it
   */
  static BerkeleyHashFile open(FileChannel file, long maxValueBytes) throws IOException {
    long size = file.size();
    if (size < META_SIZE) {
      throw new IllegalArgumentException("file of " + size + " bytes is shorter than a " + META_SIZE + "-byte metadata page");
    }
    ByteBuffer meta = read(file, 0, META_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ByteOrder order;
    if (meta.getInt(12) == HASH_MAGIC) {
      order = ByteOrder.LITTLE_ENDIAN;
    } else if (Integer.reverseBytes(meta.getInt(12)) == HASH_MAGIC) {
      order = ByteOrder.BIG_ENDIAN;
    } else {
      throw new IllegalArgumentException(String.format("magic 0x%08x is not that of a Berkeley DB hash file", meta.getInt(12)));
    }
    meta.order(order);
    int version = meta.getInt(16);
    int pageSize = meta.getInt(20);
    int encryption = meta.get(24) & 0xff;
    int type = meta.get(25) & 0xff;
    int flags = meta.get(26) & 0xff;
    long lastPage = Integer.toUnsignedLong(meta.getInt(32));
    if (version < 8 || version > 10) {
      throw new IllegalArgumentException("hash version " + version + " is not one of 8 to 10");
    }
    if (type != P_HASHMETA) {
      throw new IllegalArgumentException("page 0 has type " + type + ", not hash metadata (" + P_HASHMETA + ")");
    }
    if (pageSize < META_SIZE || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size " + pageSize + " is not a power of two from 512 to 65536");
    }
    if (encryption != 0) {
      throw new IllegalArgumentException("pages are encrypted (algorithm " + encryption + ")");
    }
    if ((flags & METAFLAG_CHECKSUM) != 0) {
      throw new IllegalArgumentException("pages carry checksums, which rpm never writes and this reader does not read");
    }
    if ((lastPage + 1) * pageSize > size) {
      throw new IllegalArgumentException("metadata names page " + lastPage + " of " + pageSize + " bytes as the last, the file of " + size
          + " bytes ends within page " + size / pageSize);
    }
    return new BerkeleyHashFile(file, order, pageSize, lastPage + 1, maxValueBytes);
  }

  /** The byte order of the file, and so of its keys. */
  ByteOrder order() {
    return order;
  }

  /** Passes every pair of every hash page to the visitor; pages of other types are skipped. */
  void forEach(Visitor visitor) throws IOException {
    for (long pgno = 1; pgno < pages; pgno++) {
      ByteBuffer page = page(pgno);
      int type = page.get(25) & 0xff;
      if (type != P_HASH && type != P_HASH_UNSORTED) {
        continue;
      }
      String where = "page " + pgno;
      long stated = Integer.toUnsignedLong(page.getInt(8));
      int entries = page.getShort(20) & 0xffff;
      if (stated != pgno) {
        visitor.unreadable(where, "hash page says it is page " + stated);
        continue;
      }
      if (PAGE_HEADER + 2L * entries > pageSize) {
        visitor.unreadable(where, entries + " item offsets do not fit in a page of " + pageSize + " bytes");
        continue;
      }
      for (int i = 0; i + 1 < entries; i += 2) {
        String item = where + " item " + (i / 2);
        try {
          byte[] key = item(page, entries, i);
          byte[] value = item(page, entries, i + 1);
          visitor.pair(item, key, value);
        } catch (IllegalArgumentException e) {
          visitor.unreadable(item, e.getMessage());
        }
      }
    }
  }

  /** The bytes of item {@code i}: stored on the page, or gathered from its overflow pages. */
  private byte[] item(ByteBuffer page, int entries, int i) throws IOException {
    int offset = page.getShort(PAGE_HEADER + 2 * i) & 0xffff;
    int end = i == 0 ? pageSize : page.getShort(PAGE_HEADER + 2 * (i - 1)) & 0xffff;
    if (offset < PAGE_HEADER + 2 * entries || offset >= end || end > pageSize) {
      throw new IllegalArgumentException("item " + i + " at offset " + offset + " does not lie between the offsets table and " + end);
    }
    int type = page.get(offset) & 0xff;
    switch (type) {
      case H_KEYDATA -> {
        byte[] data = new byte[end - offset - 1];
        page.get(offset + 1, data);
        return data;
      }
      case H_OFFPAGE -> {
        if (end - offset < OFFPAGE_ITEM) {
          throw new IllegalArgumentException("off-page item " + i + " has " + (end - offset) + " bytes, not " + OFFPAGE_ITEM);
        }
        return overflow(Integer.toUnsignedLong(page.getInt(offset + 4)), Integer.toUnsignedLong(page.getInt(offset + 8)));
      }
      default -> throw new IllegalArgumentException("item " + i + " has type " + type + ", neither on-page (" + H_KEYDATA + ") nor off-page ("
          + H_OFFPAGE + ") data");
    }
  }

  /** Follows a chain of overflow pages from {@code first}, gathering {@code length} bytes. */
  private byte[] overflow(long first, long length) throws IOException {
    if (length > maxValueBytes) {
      throw new IllegalArgumentException("value of " + length + " bytes is longer than the limit of " + maxValueBytes);
    }
    if (length > (pages - 1) * (pageSize - PAGE_HEADER)) {
      throw new IllegalArgumentException("value of " + length + " bytes is longer than all " + (pages - 1) + " pages of the file could hold");
    }
    byte[] out = new byte[(int) length];
    int filled = 0;
    Set<Long> visited = new HashSet<>();
    long pgno = first;
    while (filled < length) {
      if (pgno == 0 || pgno >= pages) {
        throw new IllegalArgumentException("overflow chain from page " + first + " names page " + pgno + " after " + filled + " of " + length
            + " bytes; the file has pages 1 to " + (pages - 1));
      }
      if (!visited.add(pgno)) {
        throw new IllegalArgumentException("overflow chain from page " + first + " returns to page " + pgno);
      }
      ByteBuffer page = page(pgno);
      int type = page.get(25) & 0xff;
      int held = page.getShort(22) & 0xffff;
      if (type != P_OVERFLOW || Integer.toUnsignedLong(page.getInt(8)) != pgno) {
        throw new IllegalArgumentException("overflow chain from page " + first + " reaches page " + pgno + " of type " + type);
      }
      if (held > pageSize - PAGE_HEADER || held > length - filled) {
        throw new IllegalArgumentException("overflow page " + pgno + " holds " + held + " bytes, " + (length - filled) + " remain of "
            + length + " and a page has room for " + (pageSize - PAGE_HEADER));
      }
      page.get(PAGE_HEADER, out, filled, held);
      filled += held;
      pgno = Integer.toUnsignedLong(page.getInt(16));
    }
    return out;
  }

  private ByteBuffer page(long pgno) throws IOException {
    return read(file, pgno * pageSize, pageSize).order(order);
  }

  private static ByteBuffer read(FileChannel file, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (file.read(b, position + b.position()) < 0) {
        throw new IllegalArgumentException("file ends at " + (position + b.position()) + ", within " + length + " bytes from " + position);
      }
    }
    return b.flip();
  }
}
