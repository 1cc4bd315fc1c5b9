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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes an image's squashed file system into a directory, as {@code crane export} or {@code umoci
 * unpack} would: layers are applied in order, straight from their streams, each read once. Nothing
 * is ever written outside the target: every path is resolved inside it, symlinks included. The
 * work happens in a sibling temporary directory that replaces the target only when complete, so a
 * failure leaves no partial tree. Ownership is kept, and device nodes and FIFOs are made (with
 * {@code mknod(1)}, as {@code umoci unpack} makes them), when running as root; otherwise those are
 * skipped and reported.
 */
public final class Exporter {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  /** The most of the image root's mode the target directory takes. */
  static final int SAFE_ROOT_MODE = 0755;

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
  private long skippedDropped;
  /**
   * What this export has put on disk so far (the target is ours alone, so no need to stat it): per
   * path, its type, the layer that last wrote it, the link text of symlinks and the metadata of
   * directories, whose modes are set last.
   */
  private final PathTrie onDisk;
  private final SpillBuffer linkTexts = new SpillBuffer();
  private @Nullable LayerEntry rootEntry;
  private final int ownUid;
  private final int ownGid;
  private boolean chownAllowed = true;
  private long entries;
  private int layerNumber;

  // the state of a node, after PathTrie.USER
  private static final int TYPE = 0; // FileType ordinal + 1, 0 when nothing is there
  private static final int HAS_DIR_META = 1;
  private static final int DIR_MODE = 2;
  private static final int WRITTEN_BY = 4; // layer number + 1
  private static final int LINK = 8;
  private static final int DIR_UID = 16;
  private static final int DIR_GID = 20;
  private static final int DIR_MTIME = 24;
  private static final FileType[] TYPES = FileType.values();

  private Exporter(Image image, Path root, ProgressListener listener, long maxEntries) throws IOException {
    this.image = image;
    this.root = root;
    this.listener = listener;
    this.ownUid = (Integer) Files.getAttribute(root, "unix:uid");
    this.ownGid = (Integer) Files.getAttribute(root, "unix:gid");
    this.onDisk = new PathTrie(2 * maxEntries + 100_000);
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
      Exporter e = new Exporter(image, work, listener, maxEntries);
      EntryBudget budget = new EntryBudget(maxEntries);
      for (Layer layer : image.layers()) {
        e.applyLayer(layer, budget);
      }
      e.finishDirectories();
      Files.deleteIfExists(abs);
      Files.move(work, abs, StandardCopyOption.ATOMIC_MOVE);
      return new Result(e.entries, e.skippedList());
    } catch (Throwable ex) {
      // whatever stopped the export (a refusal, a full disk, an interrupt, an error), nothing partial stays
      try {
        deleteTree(work);
      } catch (IOException | RuntimeException cleanup) {
        ex.addSuppressed(cleanup);
      }
      throw ex;
    }
  }

  private List<String> skippedList() {
    List<String> all = new ArrayList<>(skipped);
    if (skippedDropped > 0) {
      all.add(skippedDropped + " more entries skipped");
    }
    return all;
  }

  private void applyLayer(Layer layer, EntryBudget budget) throws IOException {
    layerNumber = layer.index();
    String where = BlobLayer.describe(layer, image.name());
    LayerWalker.walk(layer, image.name(), budget, new LayerWalker.Visitor() {
      @Override
      public void entry(LayerEntry e, @Nullable InputStream content) throws IOException {
        try {
          place(layer, e, content, where);
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
          int n = onDisk.find(r.get());
          if (n != PathTrie.NONE) {
            deleteExcept(n);
          }
        }
      }

      @Override
      public void opaque(String dir) throws IOException {
        Optional<String> r = resolveParents(dir, layer);
        if (r.isEmpty()) {
          return;
        }
        int n = onDisk.find(r.get());
        if (n != PathTrie.NONE && isDirectory(n)) {
          for (int child : children(n)) {
            deleteExcept(child);
          }
        }
      }

      @Override
      public void root(LayerEntry e) {
        rootEntry = e;
      }

      @Override
      public void warning(String message) {
        listener.warn(message);
      }
    });
  }

  private void place(Layer layer, LayerEntry e, @Nullable InputStream content, String where) throws IOException {
    Optional<String> resolved = resolveParents(e.path(), layer);
    if (resolved.isEmpty() || resolved.get().equals("/")) {
      return;
    }
    String path = resolved.get();
    Path p = disk(path);
    int node = onDisk.intern(path, where);
    if (!makeParents(node)) {
      skip(layer, e.path() + ": a parent is not a directory");
      return;
    }
    FileType existing = typeOf(node);
    boolean exists = existing != null;
    boolean isDir = existing == FileType.DIRECTORY;
    if (e.type() == FileType.DIRECTORY) {
      if (exists && !isDir) {
        Files.delete(p);
      }
      if (!isDir) {
        Files.createDirectory(p);
        setType(node, FileType.DIRECTORY);
      }
      onDisk.putByte(node, HAS_DIR_META, (byte) 1);
      onDisk.putShort(node, DIR_MODE, (short) e.mode());
      onDisk.putInt(node, DIR_UID, (int) e.uid());
      onDisk.putInt(node, DIR_GID, (int) e.gid());
      onDisk.putLong(node, DIR_MTIME, e.modifiedEpochSeconds());
      onDisk.putInt(node, WRITTEN_BY, layerNumber + 1);
      entries++;
      return;
    }
    if (isDir) {
      deleteTree(p);
      forget(node);
    } else if (exists) {
      Files.delete(p);
      setType(node, null);
    }
    switch (e.type()) {
      case REGULAR -> {
        Files.copy(content == null ? InputStream.nullInputStream() : content, p);
        setType(node, FileType.REGULAR);
        setMetadata(p, e.mode(), e.uid(), e.gid(), e.modifiedEpochSeconds(), false);
      }
      case SYMLINK -> {
        if (e.linkTarget().isEmpty()) {
          skip(layer, e.path() + ": symlink with an empty target not created");
          return;
        }
        Files.createSymbolicLink(p, Path.of(e.linkTarget()));
        setType(node, FileType.SYMLINK);
        onDisk.putLong(node, LINK, linkTexts.appendString(e.linkTarget()));
        setMetadata(p, e.mode(), e.uid(), e.gid(), e.modifiedEpochSeconds(), true);
      }
      case HARDLINK -> {
        Optional<String> target = resolveParents(e.linkTarget(), layer);
        int t = target.map(onDisk::find).orElse(PathTrie.NONE);
        FileType tt = t == PathTrie.NONE ? null : typeOf(t);
        if (tt == null || tt == FileType.DIRECTORY) {
          skip(layer, e.path() + ": hardlink target " + e.linkTarget() + " does not exist");
          return;
        }
        Files.createLink(p, disk(target.get()));
        setType(node, tt);
        onDisk.putLong(node, LINK, onDisk.getLong(t, LINK));
      }
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        String kind = e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        if (ownUid != 0) {
          skip(layer, e.path() + ": " + kind + " not created (only root makes device nodes and FIFOs)");
          return;
        }
        Optional<String> failed = mknod(p, e);
        if (failed.isPresent()) {
          skip(layer, e.path() + ": " + kind + " not created (" + failed.get() + ")");
          return;
        }
        setType(node, e.type());
        setSpecialMetadata(p, e);
      }
      case DIRECTORY -> throw new AssertionError("handled above");
    }
    onDisk.putInt(node, WRITTEN_BY, layerNumber + 1);
    entries++;
  }

  private @Nullable FileType typeOf(int node) {
    int t = onDisk.getByte(node, TYPE);
    return t == 0 ? null : TYPES[t - 1];
  }

  private void setType(int node, @Nullable FileType type) {
    onDisk.putByte(node, TYPE, (byte) (type == null ? 0 : type.ordinal() + 1));
    if (type != FileType.DIRECTORY) {
      onDisk.putByte(node, HAS_DIR_META, (byte) 0);
    }
  }

  private void skip(Layer layer, String what) {
    String message = "layer " + layer.index() + ": " + what;
    if (skipped.size() < Squasher.MAX_WARNINGS) {
      skipped.add(message);
    } else {
      skippedDropped++;
    }
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
    int n = onDisk.find(path);
    return n != PathTrie.NONE && typeOf(n) == FileType.SYMLINK ? Optional.of(linkTexts.getString(onDisk.getLong(n, LINK))) : Optional.empty();
  }

  private boolean isDirectory(int node) {
    return node == PathTrie.ROOT || typeOf(node) == FileType.DIRECTORY;
  }

  /** The nodes directly beneath {@code dir} that are on disk. */
  private List<Integer> children(int dir) {
    List<Integer> out = new ArrayList<>();
    for (int c = onDisk.firstChild(dir); c != PathTrie.NONE; c = onDisk.nextSibling(c)) {
      if (typeOf(c) != null) {
        out.add(c);
      }
    }
    return out;
  }

  /** Drops {@code node} and all beneath it from the record of what is on disk. */
  private void forget(int node) {
    Squasher.IntStack stack = new Squasher.IntStack();
    stack.push(node);
    while (!stack.isEmpty()) {
      int n = stack.pop();
      setType(n, null);
      for (int c = onDisk.firstChild(n); c != PathTrie.NONE; c = onDisk.nextSibling(c)) {
        if (typeOf(c) != null) {
          stack.push(c);
        }
      }
    }
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
  private boolean makeParents(int node) throws IOException {
    Squasher.IntStack missing = new Squasher.IntStack();
    for (int p = onDisk.parent(node); p != PathTrie.ROOT; p = onDisk.parent(p)) {
      FileType t = typeOf(p);
      if (t == null) {
        missing.push(p);
      } else if (t != FileType.DIRECTORY) {
        return false;
      } else {
        break;
      }
    }
    while (!missing.isEmpty()) {
      int p = missing.pop();
      Files.createDirectory(disk(onDisk.path(p)));
      setType(p, FileType.DIRECTORY);
    }
    return true;
  }

  /** Deletes {@code node} and everything beneath it, except what this layer wrote. */
  private void deleteExcept(int node) throws IOException {
    if (typeOf(node) == null || writtenNow(node)) {
      return;
    }
    if (!keepsSomething(node)) {
      deleteTree(disk(onDisk.path(node)));
      forget(node);
      return;
    }
    for (int child : children(node)) {
      deleteExcept(child);
    }
  }

  private boolean writtenNow(int node) {
    return onDisk.getInt(node, WRITTEN_BY) == layerNumber + 1;
  }

  /** Whether this layer wrote something beneath {@code node}. */
  private boolean keepsSomething(int node) {
    Squasher.IntStack stack = new Squasher.IntStack();
    for (int c = onDisk.firstChild(node); c != PathTrie.NONE; c = onDisk.nextSibling(c)) {
      stack.push(c);
    }
    while (!stack.isEmpty()) {
      int n = stack.pop();
      if (typeOf(n) == null) {
        continue;
      }
      if (writtenNow(n)) {
        return true;
      }
      for (int c = onDisk.firstChild(n); c != PathTrie.NONE; c = onDisk.nextSibling(c)) {
        stack.push(c);
      }
    }
    return false;
  }

  /** How long one {@code mknod} or {@code touch} may take. */
  private static final long TOOL_SECONDS = 10;

  /**
   * Makes the device node or FIFO {@code e} at {@code p} with {@code mknod(1)}, as {@code umoci
   * unpack} makes them as root (Java has no call for it); empty when made, else why not.
   */
  private static Optional<String> mknod(Path p, LayerEntry e) throws IOException {
    List<String> command = new ArrayList<>(List.of("mknod", "-m", Integer.toOctalString(e.mode() & 0777), "--", p.toAbsolutePath().toString()));
    switch (e.type()) {
      case CHAR_DEVICE -> command.addAll(List.of("c", Integer.toString(e.devMajor()), Integer.toString(e.devMinor())));
      case BLOCK_DEVICE -> command.addAll(List.of("b", Integer.toString(e.devMajor()), Integer.toString(e.devMinor())));
      default -> command.add("p");
    }
    return run(command, e.path());
  }

  /** Runs a tool of the system with a deadline; empty when it succeeded, else why not. */
  private static Optional<String> run(List<String> command, String forPath) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException ex) {
      return Optional.of(command.get(0) + " cannot run: " + ex.getMessage());
    }
    try (InputStream out = process.getInputStream()) {
      // what these tools say fits in the pipe, so waiting first cannot block them; the deadline holds
      if (!process.waitFor(TOOL_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of(command.get(0) + " did not finish within " + TOOL_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        byte[] said = out.readNBytes(Math.min(out.available(), 4096));
        String why = new String(said, java.nio.charset.StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        return Optional.of(command.get(0) + " exited with " + process.exitValue() + (why.isEmpty() ? "" : ": " + why));
      }
      return Optional.empty();
    } catch (InterruptedException ex) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("export: interrupted while making " + forPath);
    }
  }

  /**
   * Mode, owner and times of a device node or FIFO, all by path and never by opening it: opening
   * a FIFO waits for a writer, and opening a device node would reach the device. The JDK opens a
   * file to set its times, so {@code touch -h} sets them.
   */
  private void setSpecialMetadata(Path p, LayerEntry e) throws IOException {
    // chmod(2) by path: the node was just made, so no link is followed (a no-follow chmod may open the file)
    Files.setAttribute(p, "unix:mode", e.mode());
    if (chownAllowed && !(e.uid() == ownUid && e.gid() == ownGid)) {
      Files.setAttribute(p, "unix:uid", (int) e.uid(), NOFOLLOW);
      Files.setAttribute(p, "unix:gid", (int) e.gid(), NOFOLLOW);
      Files.setAttribute(p, "unix:mode", e.mode()); // chown clears setuid/setgid
    }
    Optional<String> failed = run(List.of("touch", "-h", "-d", "@" + e.modifiedEpochSeconds(), "--", p.toAbsolutePath().toString()), e.path());
    if (failed.isPresent()) {
      throw new IOException("export: set the times of " + e.path() + ": " + failed.get());
    }
  }

  private void setMetadata(Path p, int mode, long uid, long gid, long mtime, boolean symlink) throws IOException {
    if (!symlink) {
      Files.setAttribute(p, "unix:mode", mode);
      FileTime time = FileTime.fromMillis(mtime * 1000);
      // both times given: with one missing the JDK stats the file to keep the other
      Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(time, time, null);
    }
    boolean ours = uid == ownUid && gid == ownGid;
    if (chownAllowed && !ours) {
      try {
        Files.setAttribute(p, "unix:uid", (int) uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", (int) gid, NOFOLLOW);
        if (!symlink && (mode & 06000) != 0) {
          Files.setAttribute(p, "unix:mode", mode); // chown clears setuid/setgid
        }
      } catch (FileSystemException ex) {
        chownAllowed = false;
        listener.warn("export " + image.name() + ": ownership not kept (" + ex.getReason() + ")");
      }
    }
  }

  /**
   * Directory modes and times last, children before parents, so that read-only directories do not
   * block their own filling. The target directory itself is the user's: it keeps its owner, and of
   * the mode the image's {@code ./} entry states only the bits of 0755 (never setuid, setgid, sticky,
   * or writable by group or others).
   */
  private void finishDirectories() throws IOException {
    // post-order: a node is finished once all its children are
    Squasher.IntStack stack = new Squasher.IntStack();
    Squasher.IntStack after = new Squasher.IntStack();
    stack.push(PathTrie.ROOT);
    while (!stack.isEmpty()) {
      int n = stack.pop();
      after.push(n);
      for (int c = onDisk.firstChild(n); c != PathTrie.NONE; c = onDisk.nextSibling(c)) {
        if (typeOf(c) == FileType.DIRECTORY) {
          stack.push(c);
        }
      }
    }
    while (!after.isEmpty()) {
      int n = after.pop();
      if (n == PathTrie.ROOT) {
        if (rootEntry != null) {
          Files.setAttribute(root, "unix:mode", rootEntry.mode() & SAFE_ROOT_MODE);
          FileTime time = FileTime.fromMillis(rootEntry.modifiedEpochSeconds() * 1000);
          Files.getFileAttributeView(root, BasicFileAttributeView.class).setTimes(time, time, null);
        }
      } else if (onDisk.getByte(n, HAS_DIR_META) != 0) {
        setMetadata(disk(onDisk.path(n)), onDisk.getShort(n, DIR_MODE), onDisk.getInt(n, DIR_UID), onDisk.getInt(n, DIR_GID),
            onDisk.getLong(n, DIR_MTIME), false);
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
