package dev.portcullis.oci.tree;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies layer indexes in order, as a container runtime applies layers: whiteouts and opaque
 * directories delete from lower layers only, entries are placed after resolving the symlinks in
 * their parents, and replacing a directory by a file removes what was beneath it. A file is a few
 * numbers in its path's {@link PathTrie} node (the layer and entry that put it there), read back
 * from the layer indexes when it is asked for, so the heap does not grow with the file count.
 */
final class Squasher {
  static final int MAX_WARNINGS = 1000;

  // the state of a node, after PathTrie.USER: layer + 1 (0: no file), entry in that layer (-1: a
  // directory implied by a path), the entry the metadata of a hardlink comes from, its target node, the type
  private static final int LAYER = 0;
  private static final int ENTRY = 4;
  private static final int SRC_LAYER = 8;
  private static final int SRC_ENTRY = 12;
  private static final int LINK_NODE = 16;
  private static final int TYPE = 20;
  private static final int DELETED = 32;
  private static final FileType[] TYPES = FileType.values();
  private static final DeletedEntry.Removal[] REMOVALS = DeletedEntry.Removal.values();

  private final PathTrie trie;
  private final List<LayerIndex> indexes = new ArrayList<>();
  private final SpillBuffer deleted = new SpillBuffer();
  private int deletedCount;
  private final List<String> warnings = new ArrayList<>();
  private long warningsDropped;
  private int present;
  private int symlinks; // present symlinks: while there are none, a normalised path resolves to itself
  private final PathResolver.Links links = this::symlinkAt;

  Squasher(long maxNodes) {
    trie = new PathTrie(maxNodes);
  }

  private Optional<String> symlinkAt(String path) {
    int n = trie.find(path);
    return n != PathTrie.NONE && isPresent(n) && type(n) == FileType.SYMLINK ? Optional.of(linkTarget(n)) : Optional.empty();
  }

  PathTrie trie() {
    return trie;
  }

  int present() {
    return present;
  }

  int deletedCount() {
    return deletedCount;
  }

  List<String> warnings() {
    List<String> w = new ArrayList<>(warnings);
    if (warningsDropped > 0) {
      w.add(warningsDropped + " more warnings about placing files not shown");
    }
    return w;
  }

  PathResolver.Links links() {
    return links;
  }

  boolean isPresent(int node) {
    return trie.getInt(node, LAYER) != 0;
  }

  FileType type(int node) {
    return TYPES[trie.getByte(node, TYPE)];
  }

  private String linkTarget(int node) {
    return indexes.get(trie.getInt(node, LAYER) - 1).linkTarget(trie.getInt(node, ENTRY));
  }

  /** The path of {@code node}, without the rest of its entry. */
  String path(int node) {
    return trie.path(node);
  }

  /** The file at a node that holds one. */
  FileEntry file(int node) {
    return file(trie.path(node), trie.getInt(node, LAYER) - 1, trie.getInt(node, ENTRY), trie.getInt(node, SRC_LAYER),
        trie.getInt(node, SRC_ENTRY), trie.getInt(node, LINK_NODE), type(node));
  }

  private FileEntry file(String path, int layer, int entry, int srcLayer, int srcEntry, int linkNode, FileType type) {
    if (entry < 0) {
      return new FileEntry(path, FileType.DIRECTORY, 0755, 0, 0, 0, "", 0, layer, FileEntry.ContentRef.none(layer));
    }
    if (type == FileType.HARDLINK) {
      LayerEntry t = indexes.get(srcLayer).entry(srcEntry);
      FileEntry.ContentRef content = t.type() == FileType.REGULAR ? new FileEntry.ContentRef(srcLayer, t.ordinal()) : FileEntry.ContentRef.none(srcLayer);
      return new FileEntry(path, FileType.HARDLINK, t.mode(), t.uid(), t.gid(), t.size(), trie.path(linkNode), t.modifiedEpochSeconds(), layer, content);
    }
    LayerEntry e = indexes.get(layer).entry(entry);
    FileEntry.ContentRef content = e.type() == FileType.REGULAR ? new FileEntry.ContentRef(layer, e.ordinal()) : FileEntry.ContentRef.none(layer);
    return new FileEntry(path, e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.linkTarget(), e.modifiedEpochSeconds(), layer, content);
  }

  /** Removal {@code i}, in the order they happened. */
  DeletedEntry deleted(int i) {
    java.util.Objects.checkIndex(i, deletedCount);
    long at = (long) i * DELETED;
    FileEntry e = file(trie.path(deleted.getInt(at)), deleted.getInt(at + 4), deleted.getInt(at + 8), deleted.getInt(at + 12),
        deleted.getInt(at + 16), deleted.getInt(at + 20), TYPES[deleted.getByte(at + 29)]);
    return new DeletedEntry(e, deleted.getInt(at + 24), REMOVALS[deleted.getByte(at + 28)]);
  }

  private void remove(int node, int layer, DeletedEntry.Removal how) {
    long at = deleted.append(DELETED);
    deleted.putInt(at, node);
    deleted.putInt(at + 4, trie.getInt(node, LAYER) - 1);
    deleted.putInt(at + 8, trie.getInt(node, ENTRY));
    deleted.putInt(at + 12, trie.getInt(node, SRC_LAYER));
    deleted.putInt(at + 16, trie.getInt(node, SRC_ENTRY));
    deleted.putInt(at + 20, trie.getInt(node, LINK_NODE));
    deleted.putInt(at + 24, layer);
    deleted.putByte(at + 28, (byte) how.ordinal());
    deleted.putByte(at + 29, trie.getByte(node, TYPE));
    deletedCount++;
    if (type(node) == FileType.SYMLINK) {
      symlinks--;
    }
    trie.putInt(node, LAYER, 0);
    present--;
  }

  private void put(int node, int layer, int entry, int srcLayer, int srcEntry, int linkNode, FileType type) {
    if (!isPresent(node)) {
      present++;
    } else if (type(node) == FileType.SYMLINK) {
      symlinks--;
    }
    if (type == FileType.SYMLINK) {
      symlinks++;
    }
    trie.putInt(node, LAYER, layer + 1);
    trie.putInt(node, ENTRY, entry);
    trie.putInt(node, SRC_LAYER, srcLayer);
    trie.putInt(node, SRC_ENTRY, srcEntry);
    trie.putInt(node, LINK_NODE, linkNode);
    trie.putByte(node, TYPE, (byte) type.ordinal());
  }

  private void warn(String message) {
    if (warnings.size() < MAX_WARNINGS) {
      warnings.add(message);
    } else {
      warningsDropped++;
    }
  }

  /** Applies layer {@code layer}; {@code where} names it and the image for its (cached, image-free) warnings. */
  void apply(int layer, LayerIndex index, String where) throws IOException {
    if (layer != indexes.size()) {
      throw new IllegalArgumentException("layers are applied in order");
    }
    indexes.add(index);
    index.warnings().forEach(w -> warn(where + ": " + w));
    for (String dir : index.opaqueDirs()) {
      Optional<String> d = resolveParents(dir, layer);
      if (d.isPresent()) {
        int n = trie.find(d.get());
        if (n != PathTrie.NONE) {
          removeBelow(n, layer, DeletedEntry.Removal.OPAQUE_DIRECTORY);
        }
      }
    }
    for (String path : index.whiteouts()) {
      Optional<String> p = resolveParents(path, layer);
      if (p.isPresent()) {
        int n = trie.find(p.get());
        if (n != PathTrie.NONE && n != PathTrie.ROOT && isPresent(n)) {
          remove(n, layer, DeletedEntry.Removal.WHITEOUT);
          removeBelow(n, layer, DeletedEntry.Removal.WHITEOUT);
        }
      }
    }
    for (int i = 0; i < index.size(); i++) {
      add(layer, i, index.entry(i), where);
    }
  }

  private Optional<String> resolveParents(String path, int layer) throws IOException {
    if (symlinks == 0 && path.startsWith("/")) {
      return Optional.of(path); // layer paths are normalised (TarPaths.normalize); with no symlink, nothing redirects them
    }
    return switch (PathResolver.resolve(path, false, links)) {
      case PathResolver.Resolution.Resolved r -> Optional.of(r.path());
      case PathResolver.Resolution.Loop l -> {
        warn("layer " + layer + ": '" + path + "' not placed: symlink loop at " + l.at());
        yield Optional.empty();
      }
    };
  }

  /** Removes every file beneath {@code dir}, depth first. */
  private void removeBelow(int dir, int layer, DeletedEntry.Removal how) {
    IntStack stack = new IntStack();
    for (int c = trie.firstChild(dir); c != PathTrie.NONE; c = trie.nextSibling(c)) {
      stack.push(c);
    }
    while (!stack.isEmpty()) {
      int n = stack.pop();
      if (isPresent(n)) {
        remove(n, layer, how);
      }
      for (int c = trie.firstChild(n); c != PathTrie.NONE; c = trie.nextSibling(c)) {
        stack.push(c);
      }
    }
  }

  private void add(int layer, int i, LayerEntry e, String where) throws IOException {
    Optional<String> resolved = resolveParents(e.path(), layer);
    if (resolved.isEmpty() || resolved.get().equals("/")) {
      return;
    }
    String path = resolved.get();
    int node = trie.intern(path, where);
    if (!ensureParents(node, layer)) {
      warn("layer " + layer + ": '" + e.path() + "' not placed: a parent is not a directory");
      return;
    }
    int srcLayer = layer;
    int srcEntry = i;
    int linkNode = PathTrie.NONE;
    if (e.type() == FileType.HARDLINK) {
      Optional<String> target = resolveParents(e.linkTarget(), layer);
      int t = target.map(trie::find).orElse(PathTrie.NONE);
      boolean found = t != PathTrie.NONE && isPresent(t);
      if (!found || type(t) == FileType.DIRECTORY) {
        warn("layer " + layer + ": hardlink '" + e.path() + "' to '" + e.linkTarget() + "' not placed: " + (!found ? "no such file" : "target is a directory"));
        return;
      }
      boolean targetIsLink = type(t) == FileType.HARDLINK;
      srcLayer = targetIsLink ? trie.getInt(t, SRC_LAYER) : trie.getInt(t, LAYER) - 1;
      srcEntry = targetIsLink ? trie.getInt(t, SRC_ENTRY) : trie.getInt(t, ENTRY);
      linkNode = t;
    }
    if (isPresent(node)) {
      boolean dirOverDir = type(node) == FileType.DIRECTORY && e.type() == FileType.DIRECTORY;
      if (!dirOverDir) {
        boolean wasDirectory = type(node) == FileType.DIRECTORY;
        remove(node, layer, DeletedEntry.Removal.REPLACED);
        if (wasDirectory) {
          removeBelow(node, layer, DeletedEntry.Removal.REPLACED);
        }
      }
    }
    put(node, layer, i, srcLayer, srcEntry, linkNode, e.type());
  }

  /** Creates missing parent directories as a tar extractor would; false when a parent is not a directory. */
  private boolean ensureParents(int node, int layer) {
    IntStack missing = new IntStack();
    for (int p = trie.parent(node); p != PathTrie.ROOT; p = trie.parent(p)) {
      if (!isPresent(p)) {
        missing.push(p);
      } else if (type(p) != FileType.DIRECTORY) {
        return false;
      } else {
        break;
      }
    }
    while (!missing.isEmpty()) {
      put(missing.pop(), layer, -1, -1, -1, PathTrie.NONE, FileType.DIRECTORY);
    }
    return true;
  }

  /** A growable stack of ints. */
  static final class IntStack {
    private int[] items = new int[16];
    private int size;

    void push(int v) {
      if (size == items.length) {
        items = java.util.Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }

    int pop() {
      return items[--size];
    }

    boolean isEmpty() {
      return size == 0;
    }
  }
}
