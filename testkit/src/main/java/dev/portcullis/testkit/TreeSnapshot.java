package dev.portcullis.testkit;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * A directory tree as comparable data: the root ({@code /}) and every path below it (absolute,
 * {@code /etc/passwd}) with its type, permission bits, symlink text and, for regular files, the SHA-256 of the content.
 * Symlinks are recorded, never followed. A hardlink is a regular file like any other, so two trees
 * that differ only in which files share an inode are equal.
 */
public record TreeSnapshot(NavigableMap<String, Node> nodes) {
  private static final int DEFAULT_MAX_LINES = 40;

  public TreeSnapshot {
    nodes = Collections.unmodifiableNavigableMap(new TreeMap<>(nodes));
  }

  /** The type of a directory entry, from the {@code S_IFMT} bits of its mode. */
  public enum Kind {
    FILE,
    DIRECTORY,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    SOCKET;

    static Kind of(int stMode) {
      return switch (stMode & 0170000) {
        case 0100000 -> FILE;
        case 0040000 -> DIRECTORY;
        case 0120000 -> SYMLINK;
        case 0020000 -> CHAR_DEVICE;
        case 0060000 -> BLOCK_DEVICE;
        case 0010000 -> FIFO;
        case 0140000 -> SOCKET;
        default -> throw new IllegalArgumentException("unknown file type in mode " + Integer.toOctalString(stMode));
      };
    }
  }

  /**
   * One entry. {@code mode} holds the permission, setuid, setgid and sticky bits (0 for symlinks,
   * whose bits mean nothing on Linux); {@code linkTarget} is the symlink text, else empty; {@code
   * sha256} is the content digest of a regular file, else empty.
   */
  public record Node(Kind kind, int mode, String linkTarget, String sha256) {
    public Node {
      if ((mode & ~07777) != 0) {
        throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " has bits beyond 07777");
      }
      if (kind != Kind.SYMLINK && !linkTarget.isEmpty()) {
        throw new IllegalArgumentException("a " + kind + " has no link target");
      }
      if ((kind == Kind.FILE) == sha256.isEmpty()) {
        throw new IllegalArgumentException("a digest is needed for regular files and only for them, not for a " + kind);
      }
    }

    /** {@code file 0644 sha256:0123456789ab}, {@code symlink -> ../lib}, {@code directory 0755}. */
    public String describe() {
      return switch (kind) {
        case SYMLINK -> "symlink -> " + linkTarget;
        case FILE -> "file " + octal(mode) + " " + sha256.substring(0, Math.min(sha256.length(), 19));
        default -> kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " " + octal(mode);
      };
    }

    private static String octal(int mode) {
      return String.format("%04o", mode);
    }
  }

  /** Walks the tree at {@code root}, recorded as {@code /}. */
  public static TreeSnapshot of(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("snapshot " + root + ": not a directory");
    }
    NavigableMap<String, Node> nodes = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        nodes.put(key(root, dir), node(dir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        nodes.put(key(root, file), node(file));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        throw new IOException("snapshot " + root + ": cannot read " + file + " (" + e.getMessage() + ")", e);
      }
    });
    return new TreeSnapshot(nodes);
  }

  private static String key(Path root, Path p) {
    StringBuilder sb = new StringBuilder();
    for (Path part : root.relativize(p)) {
      if (!part.toString().isEmpty()) {
        sb.append('/').append(part);
      }
    }
    return sb.isEmpty() ? "/" : sb.toString();
  }

  private static Node node(Path p) throws IOException {
    int stMode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    Kind kind = Kind.of(stMode);
    return switch (kind) {
      case SYMLINK -> new Node(kind, 0, Files.readSymbolicLink(p).toString(), "");
      case FILE -> new Node(kind, stMode & 07777, "", sha256(p));
      default -> new Node(kind, stMode & 07777, "", "");
    };
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    return Digest.of(md).toString();
  }

  public Optional<Node> node(String path) {
    return Optional.ofNullable(nodes.get(path));
  }

  /** The entries {@code keep} accepts. */
  public TreeSnapshot filter(BiPredicate<String, Node> keep) {
    NavigableMap<String, Node> kept = new TreeMap<>();
    nodes.forEach((path, node) -> {
      if (keep.test(path, node)) {
        kept.put(path, node);
      }
    });
    return new TreeSnapshot(kept);
  }

  /** The same tree with only the mode bits in {@code mask} kept. */
  public TreeSnapshot maskModes(int mask) {
    NavigableMap<String, Node> masked = new TreeMap<>();
    nodes.forEach((path, n) -> masked.put(path, new Node(n.kind(), n.mode() & mask, n.linkTarget(), n.sha256())));
    return new TreeSnapshot(masked);
  }

  /**
   * How {@code other} differs from this tree, one line per path, sorted by path: {@code only in
   * NAME: /x (file 0644 sha256:...)} or {@code /x: NAME has ..., OTHER has ...}.
   */
  public List<String> differences(TreeSnapshot other, String thisName, String otherName) {
    List<String> out = new ArrayList<>();
    TreeSet<String> paths = new TreeSet<>(nodes.keySet());
    paths.addAll(other.nodes.keySet());
    for (String path : paths) {
      Node a = nodes.get(path);
      Node b = other.nodes.get(path);
      if (a == null && b != null) {
        out.add("only in " + otherName + ": " + path + " (" + b.describe() + ")");
      } else if (b == null && a != null) {
        out.add("only in " + thisName + ": " + path + " (" + a.describe() + ")");
      } else if (a != null && !a.equals(b) && b != null) {
        out.add(path + ": " + thisName + " has " + a.describe() + ", " + otherName + " has " + b.describe());
      }
    }
    return out;
  }

  /** {@link #differences} as a message for a failed assertion, at most 40 lines; empty when the trees are equal. */
  public String diff(TreeSnapshot other, String thisName, String otherName) {
    List<String> d = differences(other, thisName, otherName);
    if (d.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(d.size() + " differences between " + thisName + " (" + nodes.size() + " entries) and "
        + otherName + " (" + other.nodes.size() + " entries):");
    d.stream().limit(DEFAULT_MAX_LINES).forEach(line -> sb.append("\n  ").append(line));
    if (d.size() > DEFAULT_MAX_LINES) {
      sb.append("\n  ... and ").append(d.size() - DEFAULT_MAX_LINES).append(" more");
    }
    return sb.toString();
  }

  /** How many entries of each kind, for messages and sanity checks. */
  public Map<Kind, Long> countByKind() {
    Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    nodes.values().forEach(n -> counts.merge(n.kind(), 1L, Long::sum));
    return counts;
  }
}
