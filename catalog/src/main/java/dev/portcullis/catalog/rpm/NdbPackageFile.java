package dev.portcullis.catalog.rpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * The header blobs of rpm's ndb package file ({@code Packages.db}, SUSE): a 32-byte header (magic
 * {@code RpmP}, version 0, generation, number of 4096-byte slot pages), 16-byte slots after it up to
 * the end of the slot pages (magic {@code Slot}, package index, block offset, block count; a slot
 * without package or offset is free), and at each used slot's offset, in 16-byte blocks, a blob:
 * a 16-byte head (magic {@code BlbS}, package index, timestamp, length), the header, padding, and a
 * 12-byte tail (checksum, length, magic {@code BlbE}). All little-endian. Every offset and length
 * is checked against the file, so a damaged blob is reported and the others are still read.
 */
final class NdbPackageFile {
  static final int MAGIC = magic("RpmP");
  static final int SLOT_MAGIC = magic("Slot");
  static final int BLOB_MAGIC = magic("BlbS");
  static final int BLOB_TAIL_MAGIC = magic("BlbE");
  static final int HEADER_SIZE = 32;
  static final int SLOT_SIZE = 16;
  static final int BLOCK_SIZE = 16;
  static final int PAGE_SIZE = 4096;
  static final int BLOB_HEAD_SIZE = 16;
  static final int BLOB_TAIL_SIZE = 12;

  private NdbPackageFile() {}

  /**
   * Passes the blob of every used slot to the visitor, in slot order.
   *
   * @param maxBlobBytes the longest blob that is read; longer ones are reported unreadable
   * @throws IllegalArgumentException if the file has no ndb header or its slot pages do not fit in it
   */
  static void read(FileChannel file, long maxBlobBytes, HeaderVisitor visitor) throws IOException {
    long size = file.size();
    if (size < HEADER_SIZE) {
      throw new IllegalArgumentException("file of " + size + " bytes is shorter than the " + HEADER_SIZE + "-byte header");
    }
    ByteBuffer header = read(file, 0, HEADER_SIZE);
    if (header.getInt(0) != MAGIC) {
      throw new IllegalArgumentException(String.format("magic 0x%08x is not RpmP", header.getInt(0)));
    }
    if (header.getInt(4) != 0) {
      throw new IllegalArgumentException("version " + Integer.toUnsignedString(header.getInt(4)) + " is not 0");
    }
    long slotPages = Integer.toUnsignedLong(header.getInt(12));
    if (slotPages == 0 || slotPages * PAGE_SIZE > size) {
      throw new IllegalArgumentException(slotPages + " slot pages of " + PAGE_SIZE + " bytes do not fit in the file of " + size + " bytes");
    }
    Set<Long> seen = new HashSet<>();
    for (long page = 0; page < slotPages; page++) {
      ByteBuffer slots = read(file, page * PAGE_SIZE, PAGE_SIZE);
      for (int at = page == 0 ? HEADER_SIZE : 0; at < PAGE_SIZE; at += SLOT_SIZE) {
        long pkg = Integer.toUnsignedLong(slots.getInt(at + 4));
        long blockOffset = Integer.toUnsignedLong(slots.getInt(at + 8));
        long blockCount = Integer.toUnsignedLong(slots.getInt(at + 12));
        if (slots.getInt(at) != SLOT_MAGIC || pkg == 0 || blockOffset == 0) {
          continue;
        }
        String record = "Packages.db package " + pkg;
        if (!seen.add(pkg)) {
          visitor.unreadable(record, "a second slot names this package");
          continue;
        }
        try {
          visitor.header(record, blob(file, size, slotPages, pkg, blockOffset, blockCount, maxBlobBytes));
        } catch (IllegalArgumentException e) {
          visitor.unreadable(record, e.getMessage());
        }
      }
    }
  }

  private static byte[] blob(FileChannel file, long size, long slotPages, long pkg, long blockOffset, long blockCount, long maxBlobBytes)
      throws IOException {
    long start = blockOffset * BLOCK_SIZE;
    long span = blockCount * BLOCK_SIZE;
    if (start < slotPages * PAGE_SIZE) {
      throw new IllegalArgumentException("blob at byte " + start + " lies within the " + slotPages + " slot pages");
    }
    if (span < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE || start + span > size) {
      throw new IllegalArgumentException("blob of " + blockCount + " blocks at byte " + start + " does not fit in the file of " + size + " bytes");
    }
    ByteBuffer head = read(file, start, BLOB_HEAD_SIZE);
    if (head.getInt(0) != BLOB_MAGIC) {
      throw new IllegalArgumentException(String.format("blob at byte %d has magic 0x%08x, not BlbS", start, head.getInt(0)));
    }
    if (Integer.toUnsignedLong(head.getInt(4)) != pkg) {
      throw new IllegalArgumentException("blob at byte " + start + " belongs to package " + Integer.toUnsignedString(head.getInt(4)));
    }
    long length = Integer.toUnsignedLong(head.getInt(12));
    if (length > maxBlobBytes) {
      throw new IllegalArgumentException("blob of " + length + " bytes is longer than the limit of " + maxBlobBytes);
    }
    if ((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE + BLOCK_SIZE - 1) / BLOCK_SIZE != blockCount) {
      throw new IllegalArgumentException("blob of " + length + " bytes does not fill the slot's " + blockCount + " blocks");
    }
    ByteBuffer tail = read(file, start + span - BLOB_TAIL_SIZE, BLOB_TAIL_SIZE);
    if (tail.getInt(8) != BLOB_TAIL_MAGIC || Integer.toUnsignedLong(tail.getInt(4)) != length) {
      throw new IllegalArgumentException("blob at byte " + start + " does not end with its length and BlbE");
    }
    return read(file, start + BLOB_HEAD_SIZE, (int) length).array();
  }

  private static ByteBuffer read(FileChannel file, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (file.read(b, position + b.position()) < 0) {
        throw new IllegalArgumentException("file ends at " + (position + b.position()) + ", within " + length + " bytes from " + position);
      }
    }
    return b.flip();
  }

  private static int magic(String fourLetters) {
    return fourLetters.charAt(0) | fourLetters.charAt(1) << 8 | fourLetters.charAt(2) << 16 | fourLetters.charAt(3) << 24;
  }
}
