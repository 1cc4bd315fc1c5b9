package dev.portcullis.oci.tree;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Resolves paths inside an image root through symlinks, the way a container runtime would: an
 * absolute link target restarts at the image root, {@code ..} never climbs above it, and more than
 * {@value #MAX_LINKS} links in one resolution is a loop. The same logic serves the in-memory tree
 * and the exported directory, so both place files identically.
 */
public final class PathResolver {
  public static final int MAX_LINKS = 255;

  /** The symlink text stored at {@code path}, if {@code path} is a symlink. */
  @FunctionalInterface
  public interface Links {
    Optional<String> symlinkAt(String path) throws java.io.IOException;
  }

  /** The outcome of resolving one path. */
  public sealed interface Resolution {
    /** The path with every symlink resolved. */
    record Resolved(String path) implements Resolution {}

    /** Too many links: {@code at} is where resolution gave up. */
    record Loop(String at) implements Resolution {}
  }

  private PathResolver() {}

  /**
   * Resolves {@code path} (absolute, normalised). With {@code followLast} false the last component
   * is kept as it is (as {@code lstat} does), only its parents are resolved.
   */
  public static Resolution resolve(String path, boolean followLast, Links links) throws java.io.IOException {
    if (noLinkOnTheWay(path, followLast, links)) {
      return new Resolution.Resolved(path);
    }
    Deque<String> pending = new ArrayDeque<>();
    push(pending, path);
    Deque<String> done = new ArrayDeque<>();
    int hops = 0;
    while (!pending.isEmpty()) {
      String part = pending.pop();
      if (part.equals("..")) {
        done.pollLast();
        continue;
      }
      String candidate = done.isEmpty() ? "/" + part : join(done) + "/" + part;
      boolean last = pending.isEmpty();
      if (last && !followLast) {
        done.addLast(part);
        break;
      }
      Optional<String> target = links.symlinkAt(candidate);
      if (target.isEmpty()) {
        done.addLast(part);
        continue;
      }
      if (++hops > MAX_LINKS) {
        return new Resolution.Loop(candidate);
      }
      String t = target.get();
      if (t.startsWith("/")) {
        done.clear();
      }
      push(pending, t);
    }
    return new Resolution.Resolved(done.isEmpty() ? "/" : join(done));
  }

  /** The common case, without allocating a resolution: a clean path none of whose components is a symlink. */
  private static boolean noLinkOnTheWay(String path, boolean followLast, Links links) throws java.io.IOException {
    if (!path.startsWith("/") || path.contains("//") || path.contains("/./") || path.contains("/../") || path.endsWith("/.")
        || path.endsWith("/..") || path.length() > 1 && path.endsWith("/")) {
      return false;
    }
    int last = followLast ? path.length() : path.lastIndexOf('/');
    for (int i = path.indexOf('/', 1); ; i = path.indexOf('/', i + 1)) {
      int end = i < 0 ? path.length() : i;
      if (end > last || end <= 1 && path.length() <= 1) {
        return true;
      }
      if (links.symlinkAt(path.substring(0, end)).isPresent()) {
        return false;
      }
      if (i < 0) {
        return true;
      }
    }
  }

  private static void push(Deque<String> pending, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].equals(".")) {
        pending.push(parts[i]);
      }
    }
  }

  private static String join(Deque<String> done) {
    return "/" + String.join("/", done);
  }
}
