package dev.portcullis.oci.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Byte-level editing of ustar/PAX archives, for tars no writer would produce. */
final class TarSurgery {
  static final int BLOCK = 512;

  /** A header field: where it starts and how long it is. */
  enum Field {
    NAME(0, 100),
    MODE(100, 8),
    UID(108, 8),
    GID(116, 8),
    SIZE(124, 12),
    MTIME(136, 12),
    CHECKSUM(148, 8),
    TYPEFLAG(156, 1),
    LINKNAME(157, 100),
    MAGIC(257, 6),
    VERSION(263, 2),
    DEVMAJOR(329, 8),
    PREFIX(345, 155);

    final int offset;
    final int length;

    Field(int offset, int length) {
      this.offset = offset;
      this.length = length;
    }
  }

  private TarSurgery() {}

  /** Offsets of the header blocks, following the sizes the headers declare, up to the end-of-archive block. */
  static List<Integer> headers(byte[] tar) {
    List<Integer> out = new ArrayList<>();
    int at = 0;
    while (at + BLOCK <= tar.length && !zeroBlock(tar, at)) {
      out.add(at);
      long size = octal(tar, at + Field.SIZE.offset, Field.SIZE.length);
      if (size < 0 || size > tar.length) {
        break;
      }
      at += BLOCK + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
    }
    return out;
  }

  private static boolean zeroBlock(byte[] tar, int at) {
    for (int i = at; i < at + BLOCK; i++) {
      if (tar[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static long octal(byte[] b, int off, int len) {
    long v = 0;
    for (int i = off; i < off + len && b[i] != 0 && b[i] != ' '; i++) {
      if (b[i] < '0' || b[i] > '7') {
        return -1;
      }
      v = v * 8 + (b[i] - '0');
    }
    return v;
  }

  /** Overwrites {@code field} of the header at {@code header} with {@code value}, NUL-padded or cut. */
  static void set(byte[] tar, int header, Field field, byte[] value) {
    int start = header + field.offset;
    Arrays.fill(tar, start, start + field.length, (byte) 0);
    System.arraycopy(value, 0, tar, start, Math.min(value.length, field.length));
  }

  static void set(byte[] tar, int header, Field field, String value) {
    set(tar, header, field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Makes the header's checksum right for its current bytes, so the parser takes the header at its word. */
  static void fixChecksum(byte[] tar, int header) {
    int sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      boolean inChecksum = i >= Field.CHECKSUM.offset && i < Field.CHECKSUM.offset + Field.CHECKSUM.length;
      sum += inChecksum ? ' ' : tar[header + i] & 0xff;
    }
    set(tar, header, Field.CHECKSUM, String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII));
    tar[header + Field.CHECKSUM.offset + 7] = ' ';
  }

  /** A base-256 number as GNU tar writes large values: high bit set, big-endian two's complement. */
  static byte[] base256(long value, int length) {
    byte[] b = new byte[length];
    for (int i = length - 1; i > 0; i--) {
      b[i] = (byte) value;
      value >>= 8;
    }
    b[0] = (byte) (value < 0 ? 0xff : 0x80);
    return b;
  }

  /** One ustar header block with a right checksum. */
  static byte[] header(String name, char type, long size, int mode, String linkName) {
    byte[] h = new byte[BLOCK];
    set(h, 0, Field.NAME, name);
    set(h, 0, Field.MODE, String.format("%07o", mode));
    set(h, 0, Field.UID, "0000000");
    set(h, 0, Field.GID, "0000000");
    set(h, 0, Field.SIZE, String.format("%011o", size));
    set(h, 0, Field.MTIME, String.format("%011o", 1_700_000_000L));
    h[Field.TYPEFLAG.offset] = (byte) type;
    set(h, 0, Field.LINKNAME, linkName);
    set(h, 0, Field.MAGIC, "ustar");
    set(h, 0, Field.VERSION, "00");
    fixChecksum(h, 0);
    return h;
  }

  /** A PAX record, {@code "LEN key=value\n"}, its length counting itself. */
  static String paxRecord(String key, String value) {
    int body = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
    int len = body + String.valueOf(body).length();
    if (String.valueOf(len).length() != String.valueOf(body).length()) {
      len++;
    }
    return len + " " + key + "=" + value + "\n";
  }

  /** A PAX extended header entry ('x') carrying {@code records} as they are, applying to the next entry. */
  static byte[] paxEntry(String records) {
    byte[] data = records.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("PaxHeaders/x", 'x', data.length, 0644, ""));
    out.writeBytes(padded(data));
    return out.toByteArray();
  }

  /** A plain entry with content, for raw archives. */
  static byte[] entry(String name, char type, byte[] content, int mode, String linkName) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(name, type, content.length, mode, linkName));
    out.writeBytes(padded(content));
    return out.toByteArray();
  }

  static byte[] padded(byte[] data) {
    return Arrays.copyOf(data, (data.length + BLOCK - 1) / BLOCK * BLOCK);
  }

  static byte[] insert(byte[] into, int at, byte[] bytes) {
    byte[] out = new byte[into.length + bytes.length];
    System.arraycopy(into, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(into, at, out, at + bytes.length, into.length - at);
    return out;
  }
}
