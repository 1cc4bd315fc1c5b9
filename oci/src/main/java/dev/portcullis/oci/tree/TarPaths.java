package dev.portcullis.oci.tree;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Tar entry names as paths inside an image root, which nothing can leave. */
public final class TarPaths {
  public static final String WHITEOUT_PREFIX = ".wh.";
  public static final String OPAQUE_MARKER = ".wh..wh..opq";

  private TarPaths() {}

  /**
   * {@code name} as an absolute normalised path: {@code ./a//b/../c} is {@code /a/c}; {@code ..}
   * above the root stays at the root, as {@code filepath.Join("/", name)} does.
   */
  public static String normalize(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }

  /** Whether {@code name} tries to climb above the root ({@code ../x}, {@code a/../../x}). */
  public static boolean escapes(String name) {
    int depth = 0;
    for (String p : name.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      depth += p.equals("..") ? -1 : 1;
      if (depth < 0) {
        return true;
      }
    }
    return false;
  }

  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  public static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  public static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /**
   * The parents of {@code path} that do not exist yet, outermost first, as a tar extractor must
   * create them; empty when one that exists is not a directory. {@code typeAt} tells what is at a
   * path, or null.
   */
  public static Optional<List<String>> missingParents(String path, Function<String, @Nullable FileType> typeAt) {
    ArrayDeque<String> missing = new ArrayDeque<>();
    for (String p = parent(path); !p.equals("/"); p = parent(p)) {
      FileType t = typeAt.apply(p);
      if (t == null) {
        missing.addFirst(p);
      } else if (t != FileType.DIRECTORY) {
        return Optional.empty();
      } else {
        break;
      }
    }
    return Optional.of(List.copyOf(missing));
  }

  /** Whether {@code path} is {@code dir} itself or lies beneath it. */
  public static boolean isWithin(String path, String dir) {
    return dir.equals("/") || path.equals(dir) || path.startsWith(dir) && path.charAt(dir.length()) == '/';
  }
}
