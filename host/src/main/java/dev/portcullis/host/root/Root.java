package dev.portcullis.host.root;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The file system of the host being checked. {@link #live()} is this machine: paths are read as
 * they are, and {@code /proc} tells about processes, sysctls and mounts. {@link #offline} is a copy
 * of a host's file system in a directory: every path is resolved inside it, an absolute symlink is
 * re-rooted there, {@code ..} stops at its top, a symlink is never followed out of it, and more
 * than {@value #MAX_HOPS} symlinks on one path is reported as a loop. Every read is bounded; what
 * cannot be read becomes a {@link RootProblem} with a one-line reason, never a crash.
 */
public final class Root {
  /** Symlinks followed while resolving one path before it is reported as a loop (Linux stops at 40 too). */
  public static final int MAX_HOPS = 40;
  /** The most a configuration file may hold (1 MiB); a larger one is reported, never loaded. */
  public static final int MAX_CONFIG_BYTES = 1 << 20;
  /** Entries read from one directory at most. */
  public static final int MAX_ENTRIES = 10_000;

  private final Path base;
  private final boolean live;

  private Root(Path base, boolean live) {
    this.base = base;
    this.live = live;
  }

  /** This machine, read live. */
  public static Root live() {
    return new Root(Path.of("/"), true);
  }

  /**
   * A copy of a host's file system in {@code dir}, read offline.
   *
   * @throws IOException when {@code dir} is missing or not a directory, in one line
   */
  public static Root offline(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir + ": not a directory");
    }
    Path real = dir.toRealPath();
    return real.getParent() == null ? live() : new Root(real, false);
  }

  /**
   * A directory read as if it were a live host ({@code proc/} in it stands for {@code /proc}); for
   * tests of the live-only checks on fixtures.
   */
  public static Root simulatedLive(Path dir) throws IOException {
    return new Root(dir.toRealPath(), true);
  }

  /** Whether this is a live host: processes, {@code /proc/sys} and mount tables can be read. */
  public boolean isLive() {
    return live;
  }

  /** The directory the host's {@code /} is in. */
  public Path base() {
    return base;
  }

  /** {@code live /} or {@code offline DIR}. */
  public String describe() {
    return (live ? "live " : "offline ") + base;
  }

  /**
   * The file that the absolute host path {@code path} names, after every symlink on the way was
   * followed inside this root; empty when it does not exist.
   *
   * @throws RootProblem on a symlink loop or a component that is not a directory
   */
  public Optional<Path> resolve(String path) throws RootProblem {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a host path is absolute: " + path);
    }
    Deque<String> todo = new ArrayDeque<>(split(path));
    List<String> done = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      Path here = host(done).resolve(name);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(here, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new RootProblem(path + ": cannot read " + join(done, name) + " (" + reason(e) + ")");
      }
      if (a.isSymbolicLink()) {
        if (++hops > MAX_HOPS) {
          throw new RootProblem(path + ": symlink loop (more than " + MAX_HOPS + " links followed)");
        }
        String target;
        try {
          target = Files.readSymbolicLink(here).toString();
        } catch (IOException e) {
          throw new RootProblem(path + ": cannot read the symlink " + join(done, name) + " (" + reason(e) + ")");
        }
        if (target.startsWith("/")) {
          done.clear(); // re-rooted: an absolute target means the host's /, which is this root's top
        }
        List<String> parts = split(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.push(parts.get(i));
        }
        continue;
      }
      if (!todo.isEmpty() && !a.isDirectory()) {
        boolean more = todo.stream().anyMatch(s -> !s.isEmpty() && !s.equals("."));
        if (more) {
          return Optional.empty(); // like ENOTDIR: the path names nothing
        }
      }
      done.add(name);
    }
    return Optional.of(host(done));
  }

  private Path host(List<String> parts) {
    Path p = base;
    for (String s : parts) {
      p = p.resolve(s);
    }
    return p;
  }

  private static String join(List<String> done, String name) {
    return "/" + String.join("/", done) + (done.isEmpty() ? "" : "/") + name;
  }

  private static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Whether {@code path} names something (after symlinks, inside this root). */
  public boolean exists(String path) throws RootProblem {
    return resolve(path).isPresent();
  }

  /** The type, mode and owner of what {@code path} names; empty when it does not exist. */
  public Optional<FileStat> stat(String path) throws RootProblem {
    Optional<Path> p = resolve(path);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    try {
      Map<String, Object> a = Files.readAttributes(p.get(), "unix:mode,uid,gid,isDirectory,isRegularFile,size", LinkOption.NOFOLLOW_LINKS);
      return Optional.of(new FileStat(path, (Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
          (Boolean) a.get("isDirectory"), (Boolean) a.get("isRegularFile"), (Long) a.get("size")));
    } catch (IOException | UnsupportedOperationException e) {
      throw new RootProblem(path + ": cannot read its mode and owner (" + e.getMessage() + ")");
    }
  }

  /**
   * The text of the file at {@code path}, at most {@value #MAX_CONFIG_BYTES} bytes; empty when it
   * does not exist.
   *
   * @throws RootProblem when it is no regular file, larger than the limit, binary, not UTF-8 or unreadable
   */
  public Optional<String> readText(String path) throws RootProblem {
    return readText(path, MAX_CONFIG_BYTES);
  }

  /** As {@link #readText(String)} with another limit. */
  public Optional<String> readText(String path, int maxBytes) throws RootProblem {
    Optional<Path> p = resolve(path);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p.get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new RootProblem(path + ": cannot read (" + reason(e) + ")");
    }
    if (a.isDirectory()) {
      throw new RootProblem(path + ": is a directory, not a file");
    }
    if (!a.isRegularFile()) {
      throw new RootProblem(path + ": not a regular file (a FIFO, socket or device is not read)");
    }
    boolean proc = live && path.startsWith("/proc/"); // /proc files report size 0
    if (!proc && a.size() > maxBytes) {
      throw new RootProblem(path + ": too large (" + a.size() + " bytes; at most " + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes")
          + " is read)");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(p.get())) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new RootProblem(path + ": cannot read (" + reason(e) + ")");
    }
    if (bytes.length > maxBytes) {
      throw new RootProblem(path + ": too large (more than " + maxBytes + " bytes)");
    }
    return Optional.of(text(path, bytes, !proc));
  }

  /** Raw bytes of a small {@code /proc}-style file (NULs allowed), at most {@code maxBytes}; empty when missing or unreadable. */
  public Optional<byte[]> readBytes(String path, int maxBytes) throws RootProblem {
    Optional<Path> p = resolve(path);
    if (p.isEmpty() || !Files.isRegularFile(p.get(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(p.get())) {
      return Optional.of(in.readNBytes(maxBytes));
    } catch (IOException e) {
      return Optional.empty(); // a process that exited while we looked
    }
  }

  private static String text(String path, byte[] bytes, boolean refuseNul) throws RootProblem {
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0 && refuseNul) {
        throw new RootProblem(path + ": binary content (a NUL byte at offset " + i + "), not a text file");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new RootProblem(path + ": not UTF-8 text");
    }
  }

  /** The names in the directory at {@code path}, sorted; empty when it is missing or no directory. */
  public List<String> list(String path) throws RootProblem {
    Optional<Path> p = resolve(path);
    if (p.isEmpty() || !Files.isDirectory(p.get(), LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(p.get())) {
      for (Path e : s) {
        if (names.size() >= MAX_ENTRIES) {
          throw new RootProblem(path + ": more than " + MAX_ENTRIES + " entries");
        }
        names.add(e.getFileName().toString());
      }
    } catch (IOException e) {
      throw new RootProblem(path + ": cannot list (" + reason(e) + ")");
    }
    names.sort(null);
    return names;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  @Override
  public String toString() {
    return describe();
  }
}
