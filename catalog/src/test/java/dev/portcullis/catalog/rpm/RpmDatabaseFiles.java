package dev.portcullis.catalog.rpm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;

/** Writes rpm package databases in the formats no tool here writes, from header blobs. */
final class RpmDatabaseFiles {
  static final int P_OVERFLOW = 7;
  static final int P_HASH = 13;

  private RpmDatabaseFiles() {}

  /**
   * An ndb {@code Packages.db} laid out as rpm's {@code lib/backend/ndb/rpmpkg.c} writes it: the
   * 32-byte header (RpmP, version 0, generation, slot page count, next package index), 4096-byte
   * slot pages of 16-byte slots (Slot, package index, block offset, block count), then each blob in
   * 16-byte blocks: head (BlbS, package index, timestamp, length), header, zero padding, tail
   * (Adler-32 of head, header and padding; length; BlbE). Packages are numbered from 1 in list
   * order; package {@code erased} (0 for none) is written and then erased as {@code rpm -e} does:
   * its slot is freed and its blocks zeroed.
   */
  static byte[] ndb(int generation, int slotPages, List<byte[]> blobs, int erased) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteBuffer slots = ByteBuffer.allocate(slotPages * NdbPackageFile.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 0; at < slots.capacity(); at += NdbPackageFile.SLOT_SIZE) {
      slots.putInt(at, NdbPackageFile.SLOT_MAGIC);
    }
    slots.putInt(0, NdbPackageFile.MAGIC).putInt(4, 0).putInt(8, generation).putInt(12, slotPages).putInt(16, blobs.size() + 1)
        .putInt(20, 0).putInt(24, 0).putInt(28, 0);
    int slot = NdbPackageFile.HEADER_SIZE;
    for (int i = 0; i < blobs.size(); i++) {
      int pkg = i + 1;
      byte[] blob = blobs.get(i);
      int blocks = (NdbPackageFile.BLOB_HEAD_SIZE + blob.length + NdbPackageFile.BLOB_TAIL_SIZE + NdbPackageFile.BLOCK_SIZE - 1)
          / NdbPackageFile.BLOCK_SIZE;
      int blockOffset = slots.capacity() / NdbPackageFile.BLOCK_SIZE + data.size() / NdbPackageFile.BLOCK_SIZE;
      ByteBuffer b = ByteBuffer.allocate(blocks * NdbPackageFile.BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      if (pkg != erased) {
        b.putInt(NdbPackageFile.BLOB_MAGIC).putInt(pkg).putInt(1700000000).putInt(blob.length).put(blob);
        Adler32 adler = new Adler32();
        adler.update(b.array(), 0, b.capacity() - NdbPackageFile.BLOB_TAIL_SIZE);
        b.position(b.capacity() - NdbPackageFile.BLOB_TAIL_SIZE);
        b.putInt((int) adler.getValue()).putInt(blob.length).putInt(NdbPackageFile.BLOB_TAIL_MAGIC);
        slots.putInt(slot + 4, pkg).putInt(slot + 8, blockOffset).putInt(slot + 12, blocks);
      }
      data.writeBytes(b.array());
      slot += NdbPackageFile.SLOT_SIZE;
    }
    return ByteBuffer.allocate(slots.capacity() + data.size()).put(slots.array()).put(data.toByteArray()).array();
  }

  /**
   * A Berkeley DB hash file as Berkeley DB lays it out, enough for a reader that walks pages: the
   * metadata page, then for each record a hash page holding the key and, if it fits, the value;
   * a longer value goes to a chain of overflow pages that follows its hash page. Keys are 4-byte
   * package numbers in {@code order}, as rpm stores them.
   */
  static byte[] berkeleyHash(ByteOrder order, int pageSize, Map<Integer, byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pgno = 1;
    for (Map.Entry<Integer, byte[]> r : records.entrySet()) {
      ByteBuffer page = page(order, pageSize, pgno, P_HASH);
      byte[] key = ByteBuffer.allocate(4).order(order).putInt(r.getKey()).array();
      byte[] value = r.getValue();
      int keyAt = pageSize - 1 - key.length;
      page.put(keyAt, (byte) 1).put(keyAt + 1, key);
      boolean inline = 26 + 4 + 1 + key.length + 1 + value.length <= pageSize;
      int valueAt = inline ? keyAt - 1 - value.length : keyAt - 12;
      List<ByteBuffer> overflow = new java.util.ArrayList<>();
      if (inline) {
        page.put(valueAt, (byte) 1).put(valueAt + 1, value);
      } else {
        page.put(valueAt, (byte) 3).putInt(valueAt + 4, pgno + 1).putInt(valueAt + 8, value.length);
        int room = pageSize - 26;
        for (int done = 0; done < value.length; done += room) {
          int held = Math.min(room, value.length - done);
          int at = pgno + 1 + overflow.size();
          ByteBuffer o = page(order, pageSize, at, P_OVERFLOW);
          o.putInt(12, at - 1).putInt(16, done + held < value.length ? at + 1 : 0).putShort(20, (short) 1).putShort(22, (short) held);
          o.put(26, value, done, held);
          overflow.add(o);
        }
      }
      page.putShort(20, (short) 2).putShort(22, (short) (valueAt - 30)).putShort(26, (short) keyAt).putShort(28, (short) valueAt);
      out.writeBytes(page.array());
      overflow.forEach(o -> out.writeBytes(o.array()));
      pgno += 1 + overflow.size();
    }
    ByteBuffer meta = page(order, pageSize, 0, 8);
    meta.putInt(12, BerkeleyHashFile.HASH_MAGIC).putInt(16, 9).putInt(20, pageSize).putInt(32, pgno - 1).putInt(44, records.size());
    return ByteBuffer.allocate(pageSize + out.size()).put(meta.array()).put(out.toByteArray()).array();
  }

  private static ByteBuffer page(ByteOrder order, int pageSize, int pgno, int type) {
    ByteBuffer p = ByteBuffer.allocate(pageSize).order(order);
    p.putInt(8, pgno).put(25, (byte) type);
    return p;
  }
}
