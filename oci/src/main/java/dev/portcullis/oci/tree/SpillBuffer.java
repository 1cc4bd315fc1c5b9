package dev.portcullis.oci.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A growable run of bytes addressed by {@code long} offsets, for per-entry state that must not
 * grow the heap with the number of entries: the first page lives on the heap, every further page
 * ({@value #PAGE_BYTES} bytes) is a memory-mapped temporary file, deleted as soon as it is mapped,
 * whose space goes back when the page is collected. Ints and longs are aligned by the caller to
 * their size; byte runs may cross pages. Written by one thread; read by many once written.
 */
final class SpillBuffer {
  static final int PAGE_SHIFT = 22;
  static final int PAGE_BYTES = 1 << PAGE_SHIFT;
  private static final int PAGE_MASK = PAGE_BYTES - 1;
  /** Where the mapped pages are made; the temporary directory of the JVM. */
  private static final Path SPILL_DIR = Path.of(System.getProperty("java.io.tmpdir"));

  private final List<ByteBuffer> pages = new ArrayList<>();
  private long size;

  SpillBuffer() {
    pages.add(ByteBuffer.allocate(256).order(ByteOrder.nativeOrder()));
  }

  /** Bytes appended so far. */
  long size() {
    return size;
  }

  /** Reserves {@code n} more bytes (zeroed) and returns where they start. */
  long append(int n) {
    long start = size;
    ensure(start + n);
    size = start + n;
    return start;
  }

  private void ensure(long capacity) {
    ByteBuffer first = pages.get(0);
    if (pages.size() == 1 && first.capacity() < PAGE_BYTES && capacity > first.capacity()) {
      int grown = (int) Math.min(PAGE_BYTES, Math.max(capacity, (long) first.capacity() * 2));
      ByteBuffer bigger = ByteBuffer.allocate(grown).order(ByteOrder.nativeOrder());
      bigger.put(0, first, 0, first.capacity());
      pages.set(0, bigger);
    }
    while ((long) pages.size() << PAGE_SHIFT < capacity) {
      pages.add(mapPage());
    }
  }

  private static ByteBuffer mapPage() {
    try {
      Path f = Files.createTempFile(SPILL_DIR, "portcullis-spill-", ".bin");
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        // a mapping outlives its channel and, on POSIX systems, its file name
        return ch.map(FileChannel.MapMode.READ_WRITE, 0, PAGE_BYTES).order(ByteOrder.nativeOrder());
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("spill per-entry state to " + SPILL_DIR + ": " + e.getMessage(), e);
    }
  }

  private ByteBuffer page(long pos) {
    return pages.get((int) (pos >>> PAGE_SHIFT));
  }

  byte getByte(long pos) {
    return page(pos).get((int) (pos & PAGE_MASK));
  }

  void putByte(long pos, byte v) {
    page(pos).put((int) (pos & PAGE_MASK), v);
  }

  short getShort(long pos) {
    return page(pos).getShort((int) (pos & PAGE_MASK));
  }

  void putShort(long pos, short v) {
    page(pos).putShort((int) (pos & PAGE_MASK), v);
  }

  int getInt(long pos) {
    return page(pos).getInt((int) (pos & PAGE_MASK));
  }

  void putInt(long pos, int v) {
    page(pos).putInt((int) (pos & PAGE_MASK), v);
  }

  long getLong(long pos) {
    return page(pos).getLong((int) (pos & PAGE_MASK));
  }

  void putLong(long pos, long v) {
    page(pos).putLong((int) (pos & PAGE_MASK), v);
  }

  void put(long pos, byte[] src, int off, int len) {
    while (len > 0) {
      int at = (int) (pos & PAGE_MASK);
      int n = Math.min(len, PAGE_BYTES - at);
      page(pos).put(at, src, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  void get(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      int at = (int) (pos & PAGE_MASK);
      int n = Math.min(len, PAGE_BYTES - at);
      page(pos).get(at, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Appends a string as its length and UTF-8 bytes; returns where it starts, for {@link #getString}. */
  long appendString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    long at = append(4 + b.length);
    put(at, new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length}, 0, 4);
    put(at + 4, b, 0, b.length);
    return at;
  }

  /** The UTF-8 bytes of the string {@link #appendString} put at {@code at}. */
  byte[] getStringBytes(long at) {
    byte[] len = new byte[4];
    get(at, len, 0, 4);
    byte[] b = new byte[(len[0] & 0xff) << 24 | (len[1] & 0xff) << 16 | (len[2] & 0xff) << 8 | len[3] & 0xff];
    get(at + 4, b, 0, b.length);
    return b;
  }

  String getString(long at) {
    return new String(getStringBytes(at), StandardCharsets.UTF_8);
  }
}
