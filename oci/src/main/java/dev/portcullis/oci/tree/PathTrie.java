package dev.portcullis.oci.tree;

import dev.portcullis.oci.ImageReadException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Absolute paths interned as nodes of a tree of names, each name stored once, with a fixed
 * record of {@value #USER_BYTES} bytes per node for its user's state: the paths of a file tree
 * or an export without one object per path, all of it in {@link SpillBuffer}s. Node 0 is the
 * root {@code /}. Nodes are never removed; a user marks what is absent in its own state. Written
 * by one thread; read by many once written.
 */
final class PathTrie {
  static final int ROOT = 0;
  static final int NONE = -1;
  /** Where a node's user state starts in its record, and how long it is. */
  static final int USER = 24;
  static final int USER_BYTES = 40;

  private static final int RECORD = 64;

  private final SpillBuffer nodes = new SpillBuffer();
  private final SpillBuffer names = new SpillBuffer();
  private SpillBuffer table = new SpillBuffer();
  private int tableSlots;
  private int count;
  private final long maxNodes;
  /**
   * The paths made so far, by node, for the first {@value #CACHED_PATHS} nodes: a tree's entries
   * are listed many times over (checks, catalogers), and a path is made from its nearest known
   * ancestor. Readers race benignly: a path missed is made again, and a String is safely shared.
   */
  private volatile String[] paths = new String[0];

  /** How many nodes' paths are kept on the heap, at most: tens of MiB, whatever the image. */
  static final int CACHED_PATHS = 1 << 17;

  /** @param maxNodes how many paths (counting implied parent directories) the trie may hold */
  PathTrie(long maxNodes) {
    this.maxNodes = maxNodes;
    tableSlots = 1024;
    table.append(tableSlots * 4);
    long at = nodes.append(RECORD);
    nodes.putInt(at, NONE);
    nodes.putInt(at + 4, NONE);
    nodes.putInt(at + 8, NONE);
    count = 1;
  }

  int count() {
    return count;
  }

  int parent(int node) {
    return nodes.getInt(rec(node));
  }

  int firstChild(int node) {
    return nodes.getInt(rec(node) + 4);
  }

  int nextSibling(int node) {
    return nodes.getInt(rec(node) + 8);
  }

  private static long rec(int node) {
    return (long) node * RECORD;
  }

  byte getByte(int node, int off) {
    return nodes.getByte(rec(node) + USER + off);
  }

  void putByte(int node, int off, byte v) {
    nodes.putByte(rec(node) + USER + off, v);
  }

  short getShort(int node, int off) {
    return nodes.getShort(rec(node) + USER + off);
  }

  void putShort(int node, int off, short v) {
    nodes.putShort(rec(node) + USER + off, v);
  }

  int getInt(int node, int off) {
    return nodes.getInt(rec(node) + USER + off);
  }

  void putInt(int node, int off, int v) {
    nodes.putInt(rec(node) + USER + off, v);
  }

  long getLong(int node, int off) {
    return nodes.getLong(rec(node) + USER + off);
  }

  void putLong(int node, int off, long v) {
    nodes.putLong(rec(node) + USER + off, v);
  }

  private byte[] name(int node) {
    long at = rec(node);
    byte[] b = new byte[nodes.getInt(at + 12)];
    names.get(nodes.getLong(at + 16), b, 0, b.length);
    return b;
  }

  /** The node of {@code path} (absolute, normalised), or {@link #NONE} when it was never interned. */
  int find(String path) {
    int node = ROOT;
    for (int start = 1; start < path.length() && node != NONE; ) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      node = lookup(node, path.substring(start, end).getBytes(StandardCharsets.UTF_8), false);
      start = end + 1;
    }
    return node;
  }

  /** The node of {@code path} (absolute, normalised), made with all its parents if need be. */
  int intern(String path, String where) throws ImageReadException {
    int node = ROOT;
    for (int start = 1; start < path.length(); ) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      node = lookup(node, path.substring(start, end).getBytes(StandardCharsets.UTF_8), true);
      if (node == NONE) {
        throw new ImageReadException("read " + where + ": more than " + maxNodes + " paths in the image, counting the directories they imply");
      }
      start = end + 1;
    }
    return node;
  }

  /** The path of {@code node}: {@code /usr/bin/env}. */
  String path(int node) {
    if (node == ROOT) {
      return "/";
    }
    String[] known = paths;
    if (node < known.length && known[node] != null) {
      return known[node];
    }
    // the names up to the nearest ancestor whose path was made before (or the root)
    String prefix = "";
    int depth = 0;
    for (int n = node; n != ROOT; n = parent(n)) {
      if (n != node && n < known.length && known[n] != null) {
        prefix = known[n];
        break;
      }
      depth++;
    }
    byte[][] parts = new byte[depth][];
    int length = 0;
    for (int n = node, i = depth - 1; i >= 0; n = parent(n), i--) {
      parts[i] = name(n);
      length += parts[i].length + 1;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      out[at++] = '/';
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    String path = prefix + new String(out, StandardCharsets.UTF_8);
    if (node < CACHED_PATHS) {
      if (node >= known.length) {
        known = Arrays.copyOf(known, Math.min(CACHED_PATHS, Math.max(node + 1, Math.max(1024, known.length * 2))));
        paths = known;
      }
      known[node] = path;
    }
    return path;
  }

  private static int hash(int parent, byte[] name) {
    int h = parent * 0x9E3779B9;
    for (byte b : name) {
      h = (h ^ b) * 0x01000193;
    }
    return h ^ h >>> 16;
  }

  private int lookup(int parent, byte[] name, boolean create) {
    int mask = tableSlots - 1;
    for (int slot = hash(parent, name) & mask; ; slot = slot + 1 & mask) {
      int v = table.getInt((long) slot * 4);
      if (v == 0) {
        return create ? add(parent, name, slot) : NONE;
      }
      int n = v - 1;
      long at = rec(n);
      if (nodes.getInt(at) == parent && nodes.getInt(at + 12) == name.length && Arrays.equals(name(n), name)) {
        return n;
      }
    }
  }

  private int add(int parent, byte[] name, int slot) {
    if (count >= maxNodes || count == Integer.MAX_VALUE - 1) {
      return NONE;
    }
    int n = count++;
    long nameAt = names.append(name.length);
    names.put(nameAt, name, 0, name.length);
    long at = nodes.append(RECORD);
    nodes.putInt(at, parent);
    nodes.putInt(at + 4, NONE);
    nodes.putInt(at + 8, firstChild(parent));
    nodes.putInt(at + 12, name.length);
    nodes.putLong(at + 16, nameAt);
    nodes.putInt(rec(parent) + 4, n);
    table.putInt((long) slot * 4, n + 1);
    if (count > tableSlots / 2) {
      rehash();
    }
    return n;
  }

  private void rehash() {
    int slots = tableSlots * 2;
    SpillBuffer bigger = new SpillBuffer();
    bigger.append(slots * 4);
    int mask = slots - 1;
    for (int n = 1; n < count; n++) {
      int slot = hash(parent(n), name(n)) & mask;
      while (bigger.getInt((long) slot * 4) != 0) {
        slot = slot + 1 & mask;
      }
      bigger.putInt((long) slot * 4, n + 1);
    }
    table = bigger;
    tableSlots = slots;
  }

  /**
   * Sorts {@code nodes[0..n)} by path, as strings of UTF-8 bytes compare ({@code /a} before {@code /a-b}
   * before {@code /a/b}). The tree is walked once, each directory's children sorted among themselves:
   * a child counts twice, its own path by its name and the paths under it by its name and a slash,
   * which is where every path under it falls among its siblings' (a path is never made).
   */
  void sortByPath(int[] order, int n) {
    java.util.BitSet wanted = new java.util.BitSet(count);
    java.util.Map<Integer, Integer> again = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      if (wanted.get(order[i])) {
        again.merge(order[i], 1, Integer::sum);
      }
      wanted.set(order[i]);
    }
    int k = 0;
    if (wanted.get(ROOT)) {
      k = emit(order, k, ROOT, again);
    }
    // a stack of directories being listed, each its sorted items and the next one to take
    java.util.ArrayDeque<long[]> items = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<int[]> next = new java.util.ArrayDeque<>();
    items.push(childItems(ROOT));
    next.push(new int[1]);
    while (!items.isEmpty()) {
      long[] list = items.peek();
      int[] at = next.peek();
      if (at[0] == list.length) {
        items.pop();
        next.pop();
        continue;
      }
      long item = list[at[0]++];
      int node = (int) (item >>> 1);
      if ((item & 1) == 0) {
        if (wanted.get(node)) {
          k = emit(order, k, node, again);
        }
      } else {
        items.push(childItems(node));
        next.push(new int[1]);
      }
    }
    if (k != n) {
      throw new IllegalArgumentException("sorted " + k + " of " + n + " nodes: a node not in this trie");
    }
  }

  private static int emit(int[] order, int k, int node, java.util.Map<Integer, Integer> again) {
    order[k++] = node;
    for (int times = again.getOrDefault(node, 0); times > 0; times--) {
      order[k++] = node;
    }
    return k;
  }

  /** The children of {@code dir} as items in path order: a child's own path ({@code node << 1}), and the paths under it ({@code node << 1 | 1}), if any. */
  private long[] childItems(int dir) {
    int size = 0;
    for (int c = firstChild(dir); c != NONE; c = nextSibling(c)) {
      size += firstChild(c) != NONE ? 2 : 1;
    }
    long[] out = new long[size];
    byte[][] keys = new byte[size][];
    int i = 0;
    for (int c = firstChild(dir); c != NONE; c = nextSibling(c)) {
      byte[] name = name(c);
      out[i] = (long) c << 1;
      keys[i++] = name;
      if (firstChild(c) != NONE) {
        byte[] under = Arrays.copyOf(name, name.length + 1);
        under[name.length] = '/';
        out[i] = (long) c << 1 | 1;
        keys[i++] = under;
      }
    }
    Integer[] index = new Integer[size];
    for (int j = 0; j < size; j++) {
      index[j] = j;
    }
    Arrays.sort(index, (x, y) -> Arrays.compareUnsigned(keys[x], keys[y]));
    long[] sorted = new long[size];
    for (int j = 0; j < size; j++) {
      sorted[j] = out[index[j]];
    }
    return sorted;
  }
}
