package dev.portcullis.oci.tree;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.internal.BlobLayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The squashed file system of an image, every file knowing the layer that brought it, plus what
 * later layers deleted or replaced (still shipped inside the image). Holds metadata only: contents
 * are read on demand through {@link #open(FileEntry)}.
 */
public final class FileTree {
  private final Image image;
  private final Squasher squashed;
  private final List<LayerIndex> layers;
  private final List<String> warnings;
  private int @Nullable [] sorted;

  private FileTree(Image image, Squasher s, List<LayerIndex> layers) {
    this.image = image;
    this.squashed = s;
    this.layers = List.copyOf(layers);
    this.warnings = List.copyOf(s.warnings());
  }

  /** Reads (or takes from the scanner's cache) every layer's index and squashes them in order. */
  public static FileTree read(Image image, LayerScanner scanner) throws IOException {
    List<LayerIndex> indexes = new ArrayList<>();
    for (LayerScanner.Results r : scanner.scan(image, List.of(LayerIndexer.INSTANCE))) {
      indexes.add(r.get(LayerIndexer.INSTANCE));
    }
    return squash(image, indexes);
  }

  /** Squashes layer indexes already at hand, one per layer of {@code image}. */
  public static FileTree squash(Image image, List<LayerIndex> indexes) throws IOException {
    if (indexes.size() != image.layers().size()) {
      throw new IllegalArgumentException("one layer index per layer is needed");
    }
    long stated = 0;
    for (LayerIndex index : indexes) {
      stated += index.size();
    }
    // every path an entry names, and a bounded number of the directories they imply
    Squasher s = new Squasher(2 * stated + 100_000);
    for (int i = 0; i < indexes.size(); i++) {
      Layer layer = image.layers().get(i);
      s.apply(i, indexes.get(i), layer instanceof DirectoryLayer ? image.name() : BlobLayer.describe(layer, image.name()));
    }
    return new FileTree(image, s, indexes);
  }

  public Image image() {
    return image;
  }

  /**
   * Every file, sorted by path (as strings of UTF-8 bytes compare). The list is a view: each
   * element is made when it is read, so iterating it keeps nothing.
   */
  public List<FileEntry> entries() {
    int[] order = order();
    return new ViewList<>(order.length, i -> squashed.file(order[i]));
  }

  /**
   * The entries whose path {@code wanted} accepts, sorted by path: as {@code entries()} filtered, but
   * only the accepted ones are made (a path alone costs far less than an entry with its attributes).
   */
  public List<FileEntry> entries(java.util.function.Predicate<String> wanted) {
    List<FileEntry> out = new java.util.ArrayList<>();
    for (int node : order()) {
      if (wanted.test(squashed.path(node))) {
        out.add(squashed.file(node));
      }
    }
    return out;
  }

  private synchronized int[] order() {
    if (sorted == null) {
      PathTrie trie = squashed.trie();
      int[] order = new int[squashed.present()];
      int n = 0;
      for (int node = 1; node < trie.count(); node++) {
        if (squashed.isPresent(node)) {
          order[n++] = node;
        }
      }
      trie.sortByPath(order, n);
      sorted = order;
    }
    return sorted;
  }

  public int size() {
    return squashed.present();
  }

  /** The entry at {@code path}, its parents resolved through symlinks but not the path itself (as {@code lstat}). */
  public Optional<FileEntry> file(String path) throws IOException {
    return lookup(path, false);
  }

  /** The entry {@code path} finally names, following symlinks all the way (as {@code stat}). */
  public Optional<FileEntry> resolve(String path) throws IOException {
    return lookup(path, true);
  }

  private Optional<FileEntry> lookup(String path, boolean followLast) throws IOException {
    return switch (PathResolver.resolve(TarPaths.normalize(path), followLast, squashed.links())) {
      case PathResolver.Resolution.Resolved r -> at(r.path());
      case PathResolver.Resolution.Loop l -> Optional.empty();
    };
  }

  private Optional<FileEntry> at(String path) {
    int node = squashed.trie().find(path);
    return node == PathTrie.NONE || node == PathTrie.ROOT || !squashed.isPresent(node) ? Optional.empty() : Optional.of(squashed.file(node));
  }

  /** Where a symlink leads. */
  public sealed interface LinkStatus {
    record Resolved(FileEntry target) implements LinkStatus {}

    record Dangling(String path) implements LinkStatus {}

    record Loop(String at) implements LinkStatus {}
  }

  public LinkStatus linkStatus(FileEntry symlink) throws IOException {
    return switch (PathResolver.resolve(symlink.path(), true, squashed.links())) {
      case PathResolver.Resolution.Resolved r -> {
        Optional<FileEntry> t = at(r.path());
        yield t.isEmpty() ? new LinkStatus.Dangling(r.path()) : new LinkStatus.Resolved(t.get());
      }
      case PathResolver.Resolution.Loop l -> new LinkStatus.Loop(l.at());
    };
  }

  /** Files whose path matches a glob ({@code /usr/lib/**}{@code /*.jar}), sorted by path. */
  public List<FileEntry> glob(String pattern) {
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    String dir = literalDirectory(pattern);
    if (dir == null) {
      return entries().stream().filter(e -> m.matches(Path.of(e.path()))).toList();
    }
    // only what lies below the pattern's literal directory can match: look there, not at every file
    PathTrie trie = squashed.trie();
    int top = trie.find(dir);
    if (top == PathTrie.NONE) {
      return List.of();
    }
    int[] found = new int[16];
    int n = 0;
    Squasher.IntStack stack = new Squasher.IntStack();
    for (int c = trie.firstChild(top); c != PathTrie.NONE; c = trie.nextSibling(c)) {
      stack.push(c);
    }
    while (!stack.isEmpty()) {
      int node = stack.pop();
      if (squashed.isPresent(node) && m.matches(Path.of(trie.path(node)))) {
        if (n == found.length) {
          found = java.util.Arrays.copyOf(found, n * 2);
        }
        found[n++] = node;
      }
      for (int c = trie.firstChild(node); c != PathTrie.NONE; c = trie.nextSibling(c)) {
        stack.push(c);
      }
    }
    trie.sortByPath(found, n);
    List<FileEntry> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(squashed.file(found[i]));
    }
    return out;
  }

  /** The directory a glob's literal part names ({@code /var/lib/dpkg} of {@code /var/lib/dpkg/info/*.list}), or null for none below the root. */
  private static @Nullable String literalDirectory(String pattern) {
    int meta = 0;
    while (meta < pattern.length() && "*?[{\\".indexOf(pattern.charAt(meta)) < 0) {
      meta++;
    }
    int slash = pattern.lastIndexOf('/', meta == pattern.length() ? meta - 1 : meta);
    if (!pattern.startsWith("/") || slash <= 0) {
      return null;
    }
    String dir = pattern.substring(0, slash);
    return dir.equals(TarPaths.normalize(dir)) ? dir : null;
  }

  /** What later layers removed or replaced, in the order it happened; a view, as {@link #entries()}. */
  public List<DeletedEntry> deleted() {
    return new ViewList<>(squashed.deletedCount(), squashed::deleted);
  }

  /** The entries of one layer as its tar states them. */
  public LayerIndex layerIndex(int layer) {
    return layers.get(layer);
  }

  public Layer layer(FileEntry e) {
    return image.layers().get(e.layer());
  }

  /** Entries that could not be placed as stated (loops, missing hardlink targets, clamped names). */
  public List<String> warnings() {
    return warnings;
  }

  /** Receives file contents from {@link #contents}. */
  @FunctionalInterface
  public interface ContentVisitor {
    /** {@code content} is readable during the call only; do not close it. */
    void accept(FileEntry entry, InputStream content) throws IOException;
  }

  /**
   * The contents of many files, reading each layer that holds some of them once, front to back,
   * in layer order: what catalogers use instead of {@link #open} per file. Layers are read to
   * their end, so their digests are verified again.
   */
  public void contents(java.util.Collection<FileEntry> wanted, ContentVisitor visitor) throws IOException {
    java.util.TreeMap<Integer, java.util.Map<Integer, List<FileEntry>>> byLayer = new java.util.TreeMap<>();
    for (FileEntry e : wanted) {
      if (e.content().ordinal() >= 0) {
        byLayer.computeIfAbsent(e.content().layer(), k -> new java.util.HashMap<>())
            .computeIfAbsent(e.content().ordinal(), k -> new ArrayList<>()).add(e);
      }
    }
    for (var layerEntries : byLayer.entrySet()) {
      Layer layer = image.layers().get(layerEntries.getKey());
      if (layer instanceof DirectoryLayer directory) {
        for (var at : new java.util.TreeMap<>(layerEntries.getValue()).entrySet()) {
          for (FileEntry e : at.getValue()) {
            try (InputStream in = DirectoryWalker.open(directory, stated(layerEntries.getKey(), at.getKey()))) {
              visitor.accept(e, in);
            }
          }
        }
        continue;
      }
      try (InputStream in = layer.open()) {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        int ordinal = 0;
        int left = layerEntries.getValue().size();
        // stops after the last wanted entry: the rest is only drained, as a tar that ends without its
        // end-of-archive blocks (umoci 0.4.7 writes them, LayerWalker accepts them) must not fail here
        while (left > 0 && next(tar, layer) != null) {
          List<FileEntry> here = layerEntries.getValue().get(ordinal++);
          if (here == null) {
            continue;
          }
          left--;
          if (here.size() == 1) {
            visitor.accept(here.get(0), new java.io.FilterInputStream(tar) {
              @Override
              public void close() {}
            });
          } else {
            // hardlinks sharing one content: each gets its own copy
            byte[] bytes = tar.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, here.get(0).size()));
            for (FileEntry e : here) {
              visitor.accept(e, new java.io.ByteArrayInputStream(bytes));
            }
          }
        }
        in.transferTo(OutputStream.nullOutputStream());
      } catch (ImageReadException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new ImageReadException("read files of layer " + layer.index() + " of " + image.name() + ": malformed tar (" + e.getMessage() + ")", e);
      }
    }
  }

  private @Nullable TarArchiveEntry next(TarArchiveInputStream tar, Layer layer) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (ImageReadException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageReadException("read files of layer " + layer.index() + " of " + image.name() + ": malformed tar (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The content of a regular file or hardlink, read from the layer that holds it. The layer is
   * streamed from its start to the entry; its digests are only verified when the layer is read to
   * its end, which {@link LayerScanner} does when the tree is built.
   */
  public InputStream open(FileEntry e) throws IOException {
    if (e.content().ordinal() < 0) {
      throw new IllegalArgumentException(e.path() + " has no content (" + e.type() + ")");
    }
    Layer layer = image.layers().get(e.content().layer());
    if (layer instanceof DirectoryLayer directory) {
      return DirectoryWalker.open(directory, stated(e.content().layer(), e.content().ordinal()));
    }
    InputStream in = layer.open();
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(in);
      int ordinal = 0;
      TarArchiveEntry t;
      while ((t = tar.getNextEntry()) != null) {
        if (ordinal++ == e.content().ordinal()) {
          return tar;
        }
      }
      throw new ImageReadException("read " + e.path() + " from layer " + layer.index() + " of " + image.name() + ": entry " + e.content().ordinal() + " is missing");
    } catch (IOException | RuntimeException ex) {
      in.close();
      throw ex;
    }
  }

  /** The entry of a directory's layer at {@code ordinal}: a directory's walk numbers its entries as its index holds them. */
  private LayerEntry stated(int layer, int ordinal) {
    LayerEntry e = layers.get(layer).entry(ordinal);
    if (e.ordinal() != ordinal) {
      throw new IllegalStateException("entry " + ordinal + " of a directory's index is numbered " + e.ordinal());
    }
    return e;
  }

  /** A read-only list whose elements are made on demand. */
  private static final class ViewList<T> extends java.util.AbstractList<T> implements java.util.RandomAccess {
    private final int size;
    private final java.util.function.IntFunction<T> element;

    ViewList(int size, java.util.function.IntFunction<T> element) {
      this.size = size;
      this.element = element;
    }

    @Override
    public T get(int i) {
      java.util.Objects.checkIndex(i, size);
      return element.apply(i);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
