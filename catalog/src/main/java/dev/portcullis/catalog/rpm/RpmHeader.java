package dev.portcullis.catalog.rpm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An rpm header as the package database stores it (no lead, no header magic): index entry count,
 * data length, the index entries (tag, type, offset, count), then the data. Only the string,
 * string array and 32-bit integer values are kept: those are what a catalog needs.
 */
final class RpmHeader {
  static final int NAME = 1000;
  static final int VERSION = 1001;
  static final int RELEASE = 1002;
  static final int EPOCH = 1003;
  static final int VENDOR = 1011;
  static final int ARCH = 1022;
  static final int OLDFILENAMES = 1027;
  static final int SOURCERPM = 1044;
  static final int DIRINDEXES = 1116;
  static final int BASENAMES = 1117;
  static final int DIRNAMES = 1118;
  static final int MODULARITYLABEL = 5096;

  private static final int INT32 = 4;
  private static final int STRING = 6;
  private static final int STRING_ARRAY = 8;
  private static final int I18NSTRING = 9;
  private static final int MAX_INDEX_ENTRIES = 1 << 16;
  private static final int MAX_DATA = 256 << 20;

  private final Map<Integer, List<String>> strings;
  private final Map<Integer, int[]> ints;

  private RpmHeader(Map<Integer, List<String>> strings, Map<Integer, int[]> ints) {
    this.strings = strings;
    this.ints = ints;
  }

  /**
   * Parses a header blob.
   *
   * @throws IllegalArgumentException saying which part of the blob is out of bounds
   */
  static RpmHeader parse(byte[] blob) {
    ByteBuffer b = ByteBuffer.wrap(blob);
    if (blob.length < 8) {
      throw new IllegalArgumentException("header of " + blob.length + " bytes is shorter than its 8-byte preamble");
    }
    int il = b.getInt(0);
    int dl = b.getInt(4);
    if (il < 1 || il > MAX_INDEX_ENTRIES || dl < 0 || dl > MAX_DATA) {
      throw new IllegalArgumentException("header states " + il + " index entries and " + dl + " data bytes");
    }
    int dataStart = 8 + il * 16;
    if ((long) dataStart + dl > blob.length) {
      throw new IllegalArgumentException("header of " + il + " entries and " + dl + " data bytes needs " + ((long) dataStart + dl)
          + " bytes, the blob has " + blob.length);
    }
    Map<Integer, List<String>> strings = new HashMap<>();
    Map<Integer, int[]> ints = new HashMap<>();
    for (int i = 0; i < il; i++) {
      int e = 8 + i * 16;
      int tag = b.getInt(e);
      int type = b.getInt(e + 4);
      int offset = b.getInt(e + 8);
      int count = b.getInt(e + 12);
      if (offset < 0 || offset > dl || count < 0 || count > dl + 1) {
        throw new IllegalArgumentException("tag " + tag + ": offset " + offset + " and count " + count + " lie outside the " + dl + " data bytes");
      }
      int at = dataStart + offset;
      int end = dataStart + dl;
      switch (type) {
        case INT32 -> {
          if ((long) at + 4L * count > end) {
            throw new IllegalArgumentException("tag " + tag + ": " + count + " integers run past the data");
          }
          int[] v = new int[count];
          for (int k = 0; k < count; k++) {
            v[k] = b.getInt(at + 4 * k);
          }
          ints.put(tag, v);
        }
        case STRING, STRING_ARRAY, I18NSTRING -> {
          int n = type == STRING ? 1 : count;
          List<String> v = new ArrayList<>(n);
          for (int k = 0; k < n; k++) {
            int nul = at;
            while (nul < end && blob[nul] != 0) {
              nul++;
            }
            if (nul >= end) {
              throw new IllegalArgumentException("tag " + tag + ": string " + k + " is not terminated within the data");
            }
            v.add(new String(blob, at, nul - at, StandardCharsets.UTF_8));
            at = nul + 1;
          }
          strings.put(tag, List.copyOf(v));
        }
        default -> { } // binary and small integer values are not needed
      }
    }
    return new RpmHeader(strings, ints);
  }

  Optional<String> string(int tag) {
    List<String> v = strings.get(tag);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  List<String> strings(int tag) {
    return strings.getOrDefault(tag, List.of());
  }

  Optional<Integer> integer(int tag) {
    int[] v = ints.get(tag);
    return v == null || v.length == 0 ? Optional.empty() : Optional.of(v[0]);
  }

  int[] integers(int tag) {
    return ints.getOrDefault(tag, new int[0]).clone();
  }

  /**
   * The installed paths: directory name + base name through the directory indexes, or the
   * pre-4.0 full file names.
   *
   * @throws IllegalArgumentException if the three lists do not fit together
   */
  List<String> files() {
    List<String> base = strings(BASENAMES);
    if (base.isEmpty()) {
      return strings(OLDFILENAMES);
    }
    List<String> dirs = strings(DIRNAMES);
    int[] index = integers(DIRINDEXES);
    if (index.length != base.size()) {
      throw new IllegalArgumentException(base.size() + " base names but " + index.length + " directory indexes");
    }
    List<String> out = new ArrayList<>(base.size());
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= dirs.size()) {
        throw new IllegalArgumentException("directory index " + index[i] + " of " + base.get(i) + " is not among " + dirs.size() + " directories");
      }
      out.add(dirs.get(index[i]) + base.get(i));
    }
    return out;
  }
}
