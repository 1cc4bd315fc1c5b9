package dev.portcullis.catalog;

import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The capture most catalogers need: whole files, found by path globs, of at most 16 MiB (the
 * default {@link CatalogContext#maxInMemoryBytes()}). The same globs select the files in the
 * squashed tree ({@link #select}) and pick them while the layers are read.
 */
public final class WholeFiles implements FileCapture {
  public static final long MAX_BYTES = 16L << 20;
  private static final String WILDCARDS = "*?[]{}\\";
  private final String name;
  private final List<String> globs;
  private final List<PathMatcher> matchers;
  private final List<String> heads;
  private final List<String> tails;

  private WholeFiles(String name, List<String> globs) {
    this.name = name;
    this.globs = List.copyOf(globs);
    this.matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    this.heads = globs.stream().map(WholeFiles::literalHead).toList();
    this.tails = globs.stream().map(WholeFiles::literalTail).toList();
  }

  /** What every path a glob matches starts with: the text before its first wildcard ({@code /var/lib/dpkg/status.d/} of {@code /var/lib/dpkg/status.d/*}). */
  static String literalHead(String glob) {
    for (int i = 0; i < glob.length(); i++) {
      if (WILDCARDS.indexOf(glob.charAt(i)) >= 0) {
        return glob.substring(0, i);
      }
    }
    return glob;
  }

  /**
   * What every path a glob matches ends with, compared without case: the text after its last wildcard ({@code .deps.json}
   * of {@code **}{@code /*.deps.json}), where a class of one letter in both cases counts as that letter ({@code .egg-info}
   * of {@code **}{@code /*.[eE][gG][gG]-[iI][nN][fF][oO]}), so that such a glob too rules most paths out before its matcher
   * runs. Folding case only makes the check looser, never wrong: the matcher decides.
   */
  static String literalTail(String glob) {
    StringBuilder tail = new StringBuilder();
    int i = glob.length() - 1;
    while (i >= 0) {
      char c = glob.charAt(i);
      if (c == ']' && i >= 3 && glob.charAt(i - 3) == '[' && Character.isLetter(glob.charAt(i - 2))
          && Character.toLowerCase(glob.charAt(i - 2)) == Character.toLowerCase(glob.charAt(i - 1)) && glob.charAt(i - 2) != glob.charAt(i - 1)) {
        tail.append(Character.toLowerCase(glob.charAt(i - 2)));
        i -= 4;
      } else if (WILDCARDS.indexOf(c) >= 0) {
        break;
      } else {
        tail.append(Character.toLowerCase(c));
        i--;
      }
    }
    return tail.reverse().toString();
  }

  /** Files whose absolute path matches one of {@code globs} ({@code /var/lib/dpkg/status}, {@code **}{@code /*.deps.json}). */
  public static WholeFiles matching(String name, String... globs) {
    return new WholeFiles(name, List.of(globs));
  }

  /** The files of {@code tree} that match, sorted by path (as {@link FileTree#entries()}). */
  public List<FileEntry> select(FileTree tree) {
    return tree.entries(this::matches);
  }

  /**
   * The files {@link #select} gives, split in two, each in path order: those whose path ends with {@code
   * suffix}, and the others (a cataloger's main files and the ones beside them that it reads too). The
   * lists are the caller's to change: a cataloger may drop what it will not read.
   */
  public Split split(FileTree tree, String suffix) {
    List<FileEntry> ending = new ArrayList<>();
    List<FileEntry> others = new ArrayList<>();
    for (FileEntry e : select(tree)) {
      (e.path().endsWith(suffix) ? ending : others).add(e);
    }
    return new Split(ending, others);
  }

  /** {@link #split}'s two lists. */
  public record Split(List<FileEntry> ending, List<FileEntry> others) {}

  private boolean matches(String path) {
    Path p = null;
    for (int i = 0; i < matchers.size(); i++) {
      // the literal head and tail rule most paths out without building a Path
      String tail = tails.get(i);
      if (path.startsWith(heads.get(i)) && path.regionMatches(true, path.length() - tail.length(), tail, 0, tail.length())) {
        if (p == null) {
          p = Path.of(path);
        }
        if (matchers.get(i).matches(p)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int version() {
    return 1 + globs.hashCode() & 0x7fffffff;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return size <= MAX_BYTES && matches(path);
  }

  @Override
  public byte[] capture(String path, long size, InputStream content, CatalogContext context) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(path + " of " + size + " bytes cannot be held in memory");
    }
    return content.readNBytes((int) size);
  }
}
