package dev.portcullis.oci.tree;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.internal.BlobLayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes an image's squashed file system into a directory, as {@code crane export} or {@code umoci
 * unpack} would: layers are applied in order, straight from their streams, each read once. Nothing
 * is ever written outside the target: every path is resolved inside it, symlinks included. The
 * work happens in a sibling temporary directory that replaces the target only when complete, so a
 * failure leaves no partial tree. Device nodes and FIFOs cannot be made from Java and are skipped,
 * reported; ownership is kept when running as root.
 */
public final class Exporter {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** What an export wrote, and what it could not. */
  public record Result(long entries, List<String> skipped) {
    public Result {
      skipped = List.copyOf(skipped);
    }
  }

  private final Image image;
  private final Path root;
  private final ProgressListener listener;
  private final List<String> skipped = new ArrayList<>();
  private final Map<String, LayerEntry> directories = new HashMap<>();
  /** What this export has put on disk so far: the target is ours alone, so no need to stat it. */
  private final NavigableMap<String, Written> onDisk = new TreeMap<>();
  private final int ownUid;
  private final int ownGid;
  private boolean chownAllowed = true;
  private long entries;

  /** One thing on disk: its type and, for symlinks (and hardlinks to them), the link text. */
  private record Written(FileType type, String linkTarget) {}

  private Exporter(Image image, Path root, ProgressListener listener) throws IOException {
    this.image = image;
    this.root = root;
    this.listener = listener;
    this.ownUid = (Integer) Files.getAttribute(root, "unix:uid");
    this.ownGid = (Integer) Files.getAttribute(root, "unix:gid");
  }

  public static Result export(Image image, Path target, ProgressListener listener) throws IOException {
    return export(image, target, listener, Limits.DEFAULT.maxEntries());
  }

  /** Exports into {@code target}, which must not exist or be an empty directory. */
  public static Result export(Image image, Path target, ProgressListener listener, long maxEntries) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs, NOFOLLOW)) {
      if (!Files.isDirectory(abs, NOFOLLOW)) {
        throw new ImageReadException("export " + image.name() + " to " + target + ": exists and is not a directory");
      }
      try (Stream<Path> s = Files.list(abs)) {
        if (s.findAny().isPresent()) {
          throw new ImageReadException("export " + image.name() + " to " + target + ": directory is not empty");
        }
      }
    }
    Path parent = abs.getParent();
    if (parent == null) {
      throw new ImageReadException("export " + image.name() + ": cannot export to the file system root");
    }
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "." + abs.getFileName() + ".portcullis-");
    try {
      // a temporary directory is 0700; a root file system is 0755 unless a layer's ./ entry says otherwise
      Files.setAttribute(work, "unix:mode", 0755);
      Exporter e = new Exporter(image, work, listener);
      EntryBudget budget = new EntryBudget(maxEntries);
      for (Layer layer : image.layers()) {
        e.applyLayer(layer, budget);
      }
      e.finishDirectories();
      Files.deleteIfExists(abs);
      Files.move(work, abs, StandardCopyOption.ATOMIC_MOVE);
      return new Result(e.entries, e.skipped);
    } catch (IOException | RuntimeException ex) {
      deleteTree(work);
      throw ex;
    }
  }

  private void applyLayer(Layer layer, EntryBudget budget) throws IOException {
    NavigableSet<String> written = new TreeSet<>();
    LayerWalker.walk(layer, image.name(), budget, new LayerWalker.Visitor() {
      @Override
      public void entry(LayerEntry e, @Nullable InputStream content) throws IOException {
        try {
          place(layer, e, content, written);
        } catch (FileSystemException ex) {
          // names this file system cannot hold (too long a component or path) come from the image
          String reason = ex.getReason() != null ? ex.getReason() : ex.getClass().getSimpleName();
          throw new ImageReadException("export " + BlobLayer.describe(layer, image.name()) + ": cannot write " + e.path() + " (" + reason + ")", ex);
        }
      }

      @Override
      public void whiteout(String path) throws IOException {
        Optional<String> r = resolveParents(path, layer);
        if (r.isPresent() && !r.get().equals("/")) {
          deleteExcept(r.get(), written);
        }
      }

      @Override
      public void opaque(String dir) throws IOException {
        Optional<String> r = resolveParents(dir, layer);
        if (r.isEmpty()) {
          return;
        }
        if (isDirectory(r.get())) {
          for (String child : children(r.get())) {
            deleteExcept(child, written);
          }
        }
      }

      @Override
      public void root(LayerEntry e) {
        directories.put("/", e);
      }

      @Override
      public void warning(String message) {
        listener.warn(message);
      }
    });
  }

  private void place(Layer layer, LayerEntry e, @Nullable InputStream content, NavigableSet<String> written) throws IOException {
    Optional<String> resolved = resolveParents(e.path(), layer);
    if (resolved.isEmpty() || resolved.get().equals("/")) {
      return;
    }
    String path = resolved.get();
    Path p = disk(path);
    if (!makeParents(path)) {
      skip(layer, e.path() + ": a parent is not a directory");
      return;
    }
    Written existing = onDisk.get(path);
    boolean exists = existing != null;
    boolean isDir = exists && existing.type() == FileType.DIRECTORY;
    if (e.type() == FileType.DIRECTORY) {
      if (exists && !isDir) {
        Files.delete(p);
      }
      if (!isDir) {
        Files.createDirectory(p);
        onDisk.put(path, new Written(FileType.DIRECTORY, ""));
      }
      directories.put(path, e);
      written.add(path);
      entries++;
      return;
    }
    if (isDir) {
      deleteTree(p);
      forget(path);
    } else if (exists) {
      Files.delete(p);
      onDisk.remove(path);
    }
    switch (e.type()) {
      case REGULAR -> {
        Files.copy(content == null ? InputStream.nullInputStream() : content, p);
        onDisk.put(path, new Written(FileType.REGULAR, ""));
        setMetadata(p, e, false);
      }
      case SYMLINK -> {
        if (e.linkTarget().isEmpty()) {
          skip(layer, e.path() + ": symlink with an empty target not created");
          return;
        }
        Files.createSymbolicLink(p, Path.of(e.linkTarget()));
        onDisk.put(path, new Written(FileType.SYMLINK, e.linkTarget()));
        setMetadata(p, e, true);
      }
      case HARDLINK -> {
        Optional<String> target = resolveParents(e.linkTarget(), layer);
        Written t = target.map(onDisk::get).orElse(null);
        if (t == null || t.type() == FileType.DIRECTORY) {
          skip(layer, e.path() + ": hardlink target " + e.linkTarget() + " does not exist");
          return;
        }
        Files.createLink(p, disk(target.get()));
        onDisk.put(path, t);
      }
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        skip(layer, e.path() + ": " + e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " not created");
        return;
      }
      case DIRECTORY -> throw new AssertionError("handled above");
    }
    written.add(path);
    entries++;
  }

  private void skip(Layer layer, String what) {
    String message = "layer " + layer.index() + ": " + what;
    skipped.add(message);
    listener.warn(message);
  }

  private Optional<String> resolveParents(String path, Layer layer) throws IOException {
    return switch (PathResolver.resolve(path, false, this::symlinkAt)) {
      case PathResolver.Resolution.Resolved r -> Optional.of(r.path());
      case PathResolver.Resolution.Loop l -> {
        skip(layer, path + ": symlink loop at " + l.at());
        yield Optional.empty();
      }
    };
  }

  private Optional<String> symlinkAt(String path) {
    Written w = onDisk.get(path);
    return w != null && w.type() == FileType.SYMLINK ? Optional.of(w.linkTarget()) : Optional.empty();
  }

  private boolean isDirectory(String path) {
    Written w = onDisk.get(path);
    return path.equals("/") || w != null && w.type() == FileType.DIRECTORY;
  }

  /** The paths directly beneath {@code dir}. */
  private List<String> children(String dir) {
    String prefix = dir.equals("/") ? "/" : dir + "/";
    List<String> out = new ArrayList<>();
    for (String p : onDisk.subMap(prefix, false, dir.equals("/") ? "0" : dir + "0", false).keySet()) {
      if (p.indexOf('/', prefix.length()) < 0) {
        out.add(p);
      }
    }
    return out;
  }

  /** Drops {@code path} and all beneath it from the record of what is on disk. */
  private void forget(String path) {
    onDisk.remove(path);
    onDisk.subMap(path + "/", false, path + "0", false).clear();
    directories.keySet().removeIf(d -> TarPaths.isWithin(d, path));
  }

  /** The directory entry for an absolute, normalised, symlink-free image path; never outside the root. */
  private Path disk(String path) {
    Path p = path.equals("/") ? root : root.resolve(path.substring(1)).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalStateException("path " + path + " escapes the export root");
    }
    return p;
  }

  /** Creates missing parents as a tar extractor would; false when one of them is not a directory. */
  private boolean makeParents(String path) throws IOException {
    Optional<List<String>> missing = TarPaths.missingParents(path, p -> {
      Written w = onDisk.get(p);
      return w == null ? null : w.type();
    });
    if (missing.isEmpty()) {
      return false;
    }
    for (String p : missing.get()) {
      Files.createDirectory(disk(p));
      onDisk.put(p, new Written(FileType.DIRECTORY, ""));
    }
    return true;
  }

  /** Deletes {@code path} and everything beneath it, except what this layer wrote. */
  private void deleteExcept(String path, NavigableSet<String> written) throws IOException {
    if (!onDisk.containsKey(path) || written.contains(path)) {
      return;
    }
    String firstBelow = written.ceiling(path + "/");
    boolean keepsSomething = firstBelow != null && firstBelow.startsWith(path + "/");
    if (!keepsSomething) {
      deleteTree(disk(path));
      forget(path);
      return;
    }
    for (String child : children(path)) {
      deleteExcept(child, written);
    }
  }

  private void setMetadata(Path p, LayerEntry e, boolean symlink) throws IOException {
    if (!symlink) {
      Files.setAttribute(p, "unix:mode", e.mode());
      FileTime time = FileTime.fromMillis(e.modifiedEpochSeconds() * 1000);
      // both times given: with one missing the JDK stats the file to keep the other
      Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(time, time, null);
    }
    boolean ours = e.uid() == ownUid && e.gid() == ownGid;
    if (chownAllowed && !ours) {
      try {
        Files.setAttribute(p, "unix:uid", (int) e.uid(), NOFOLLOW);
        Files.setAttribute(p, "unix:gid", (int) e.gid(), NOFOLLOW);
        if (!symlink && (e.mode() & 06000) != 0) {
          Files.setAttribute(p, "unix:mode", e.mode()); // chown clears setuid/setgid
        }
      } catch (FileSystemException ex) {
        chownAllowed = false;
        listener.warn("export " + image.name() + ": ownership not kept (" + ex.getReason() + ")");
      }
    }
  }

  /** Directory modes and times last, deepest first, so that read-only directories do not block their own filling. */
  private void finishDirectories() throws IOException {
    List<String> paths = new ArrayList<>(directories.keySet());
    paths.sort(Comparator.comparingInt(String::length).reversed());
    for (String path : paths) {
      if (isDirectory(path)) {
        setMetadata(disk(path), directories.get(path), false);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, NOFOLLOW)) {
      return;
    }
    Files.walkFileTree(p, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.setAttribute(dir, "unix:mode", 0700);
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
  }

}
