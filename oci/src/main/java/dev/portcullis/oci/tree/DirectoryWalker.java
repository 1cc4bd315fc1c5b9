package dev.portcullis.oci.tree;

import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.internal.SingleByte;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link DirectoryLayer} as {@link LayerWalker} reads a layer's tar: every entry, a
 * directory before what it holds (names sorted within a directory), each regular file with its
 * bytes, so that the same analysers index and capture it. Nothing outside the directory is read:
 * a symlink is recorded with its text, as a tar stores it, and never followed (the tree resolves it
 * inside the root, as in an image); device nodes and FIFOs are recorded and never opened; sockets,
 * which no tar holds, are skipped; a file system mounted below is not entered ({@code find -xdev}).
 * A file or directory that cannot be read is left out with a warning. A file linked more than once
 * is a hardlink to the first path met, as in a tar. Memory: the names of the directories on the
 * current path, and the paths of files linked more than once (at most {@value #MAX_LINKED}).
 */
final class DirectoryWalker {
  static final int MAX_LINKED = 100_000;
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,rdev,nlink,ino,dev";
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final DirectoryLayer layer;
  private final EntryBudget budget;
  private final LayerWalker.Visitor visitor;
  private final long rootDevice;
  private final Deque<Listing> pending = new ArrayDeque<>();
  private final Map<String, String> linked = new HashMap<>();
  private int ordinal;
  private long bytes;

  /** The entries of one directory still to visit. */
  private record Listing(Path dir, String path, List<String> names, int[] next) {}

  private DirectoryWalker(DirectoryLayer layer, EntryBudget budget, LayerWalker.Visitor visitor, long rootDevice) {
    this.layer = layer;
    this.budget = budget;
    this.visitor = visitor;
    this.rootDevice = rootDevice;
  }

  /** Tells {@code visitor} every entry below the layer's root; the root itself is not an entry, as in a layer. */
  static void walk(DirectoryLayer layer, EntryBudget budget, LayerWalker.Visitor visitor) throws IOException {
    Map<String, Object> root;
    try {
      root = Files.readAttributes(layer.root(), ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new ImageReadException("read " + layer.name() + ": " + reason(e), e);
    }
    DirectoryWalker w = new DirectoryWalker(layer, budget, visitor, (Long) root.get("dev"));
    List<String> names = w.list(layer.root(), "/");
    if (names == null) {
      throw new ImageReadException("read " + layer.name() + ": the directory cannot be listed");
    }
    w.pending.push(new Listing(layer.root(), "/", names, new int[1]));
    w.run();
  }

  private void run() throws IOException {
    while (!pending.isEmpty()) {
      Listing at = pending.peek();
      if (at.next[0] == at.names.size()) {
        pending.pop();
        continue;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted");
      }
      String name = at.names.get(at.next[0]++);
      visit(at.dir.resolve(name), TarPaths.child(at.path, name));
    }
  }

  private void visit(Path file, String path) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return; // removed since its directory was listed
    } catch (IOException e) {
      warn("'" + path + "' not read (" + reason(e) + "); left out");
      return;
    }
    int mode = (Integer) a.get("mode");
    int permissions = mode & 07777;
    long uid = Integer.toUnsignedLong((Integer) a.get("uid"));
    long gid = Integer.toUnsignedLong((Integer) a.get("gid"));
    long modified = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.SECONDS);
    switch (mode & S_IFMT) {
      case S_IFDIR -> {
        entry(new LayerEntry(ordinal, path, FileType.DIRECTORY, permissions, uid, gid, 0, "", modified), null);
        if ((Long) a.get("dev") != rootDevice) {
          warn("'" + path + "' is another file system mounted there; not entered (as find -xdev)");
          return;
        }
        List<String> names = list(file, path);
        if (names != null) {
          pending.push(new Listing(file, path, names, new int[1]));
        }
      }
      case S_IFREG -> regular(file, path, a, permissions, uid, gid, modified);
      case S_IFLNK -> {
        String target;
        try {
          target = Files.readSymbolicLink(file).toString();
        } catch (IOException e) {
          warn("symlink '" + path + "' not read (" + reason(e) + "); left out");
          return;
        }
        entry(new LayerEntry(ordinal, path, FileType.SYMLINK, permissions, uid, gid, 0, target, modified), null);
      }
      case S_IFCHR, S_IFBLK -> {
        long rdev = (Long) a.get("rdev");
        // the kernel's encoding of a dev_t (glibc's gnu_dev_major and gnu_dev_minor)
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        FileType type = (mode & S_IFMT) == S_IFCHR ? FileType.CHAR_DEVICE : FileType.BLOCK_DEVICE;
        entry(new LayerEntry(ordinal, path, type, permissions, uid, gid, 0, "", modified, Math.max(0, major), Math.max(0, minor)), null);
      }
      case S_IFIFO -> entry(new LayerEntry(ordinal, path, FileType.FIFO, permissions, uid, gid, 0, "", modified), null);
      case S_IFSOCK -> warn("'" + path + "' is a socket; skipped, as tar does");
      default -> warn("'" + path + "' has unknown file type " + Integer.toOctalString(mode & S_IFMT) + "; skipped");
    }
  }

  private void regular(Path file, String path, Map<String, Object> a, int permissions, long uid, long gid, long modified) throws IOException {
    long size = (Long) a.get("size");
    @Nullable String key = null;
    if ((Integer) a.get("nlink") > 1) {
      key = a.get("dev") + ":" + a.get("ino");
      String first = linked.get(key);
      if (first != null) {
        entry(new LayerEntry(ordinal, path, FileType.HARDLINK, permissions, uid, gid, 0, first, modified), null);
        return;
      }
    }
    // decided from the mode the lstat gave, not by a call per file: most files are only indexed, and their
    // content is opened when an analyser reads it (one that cannot be opened then stops the read with its reason)
    if (!Reader.SELF.mayRead(permissions, uid, gid)) {
      warn("'" + path + "' not read (permission denied); left out");
      return;
    }
    bytes += size;
    if (bytes > layer.maxBytes()) {
      throw new ImageReadException("read " + layer.name() + ": its files hold more than the limit of " + layer.maxBytes() + " bytes (--max-image-size)");
    }
    if (key != null && linked.size() < MAX_LINKED) {
      linked.put(key, path);
    }
    try (Content content = new Content(layer.root(), file, size, layer.name(), path)) {
      entry(new LayerEntry(ordinal, path, FileType.REGULAR, permissions, uid, gid, size, "", modified), content);
    }
  }

  private void entry(LayerEntry e, @Nullable InputStream content) throws IOException {
    budget.take(layer.name());
    ordinal++;
    visitor.entry(e, content);
  }

  /** The names in {@code dir}, sorted; null (with a warning) when it cannot be listed. */
  private @Nullable List<String> list(Path dir, String path) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      warn("directory '" + path + "' not listed (" + reason(e instanceof java.nio.file.DirectoryIteratorException d ? d.getCause() : e)
          + "); what it holds is left out");
      return null;
    }
    Collections.sort(names);
    return names;
  }

  private void warn(String problem) {
    visitor.warning(layer.name(), problem);
  }

  private static String reason(Throwable e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  /**
   * The content of a regular file of the tree, read again after the walk (by {@link FileTree}):
   * only while it is still a regular file inside the root, at most the size the walk saw.
   */
  static InputStream open(DirectoryLayer layer, LayerEntry e) throws IOException {
    Content content = new Content(layer.root(), layer.root().resolve(e.path().substring(1)), e.size(), layer.name(), e.path());
    content.open();
    return content;
  }

  /**
   * Who this process reads as, from {@code /proc/self/status}: its effective user and groups. Root
   * reads every file; another user as the mode's owner, group or other bits say (ACLs are not
   * consulted: a file they would open to us is left out with a warning, as the mode says).
   */
  record Reader(long uid, java.util.Set<Long> groups) {
    static final Reader SELF = self();

    boolean mayRead(int mode, long owner, long group) {
      if (uid == 0) {
        return true;
      }
      if (owner == uid) {
        return (mode & 0400) != 0;
      }
      return groups.contains(group) ? (mode & 0040) != 0 : (mode & 0004) != 0;
    }

    private static Reader self() {
      long uid = 0;
      java.util.Set<Long> groups = new java.util.HashSet<>();
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          String[] f = line.split("\\s+");
          if (f[0].equals("Uid:") && f.length > 2) {
            uid = Long.parseLong(f[2]);
          } else if (f[0].equals("Gid:") && f.length > 2) {
            groups.add(Long.parseLong(f[2]));
          } else if (f[0].equals("Groups:")) {
            for (int i = 1; i < f.length; i++) {
              groups.add(Long.parseLong(f[i]));
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // no procfs: every file is tried, and one that cannot be opened stops the read with its reason
        return new Reader(0, java.util.Set.of());
      }
      return new Reader(uid, java.util.Set.copyOf(groups));
    }
  }

  /**
   * A file's bytes, no more than the size the walk recorded (a file that grows meanwhile is cut
   * there, as the index states it), the file opened at the first read, only while it is still a
   * regular file inside the root (a parent replaced by a symlink since the walk would lead out);
   * read errors name the file, and a read stops once the thread is interrupted.
   */
  private static final class Content extends InputStream {
    private final Path root;
    private final Path file;
    private final String name;
    private final String path;
    private @Nullable InputStream in;
    private boolean closed;
    private long left;

    Content(Path root, Path file, long size, String name, String path) {
      this.root = root;
      this.file = file;
      this.left = size;
      this.name = name;
      this.path = path;
    }

    InputStream open() throws IOException {
      if (closed) {
        throw new IOException("read " + path + " of " + name + ": closed");
      }
      if (in == null) {
        String what = "read " + path + " of " + name;
        try {
          if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageReadException(what + ": no longer a regular file");
          }
          if (!file.getParent().toRealPath().startsWith(root)) {
            throw new ImageReadException(what + ": no longer inside the directory");
          }
          in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (ImageReadException ex) {
          throw ex;
        } catch (IOException ex) {
          throw new ImageReadException("read " + path + " of " + name + ": " + reason(ex), ex);
        }
      }
      return in;
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted");
      }
      if (left <= 0 || len == 0) {
        return left <= 0 ? -1 : 0;
      }
      int n;
      try {
        n = open().read(b, off, (int) Math.min(len, left));
      } catch (ImageReadException ex) {
        throw ex;
      } catch (IOException ex) {
        throw new ImageReadException("read " + path + " of " + name + ": " + reason(ex), ex);
      }
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = open().skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return in == null ? 0 : (int) Math.min(in.available(), left);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      if (in != null) {
        in.close();
      }
    }
  }
}
