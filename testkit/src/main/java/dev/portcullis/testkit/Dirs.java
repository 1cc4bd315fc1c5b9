package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Directory chores of the builders and the tests. */
public final class Dirs {
  private Dirs() {}

  /**
   * Deletes {@code dir} and all beneath it, never following symlinks; absent is fine. Refuses while
   * anything is mounted below it (a killed debootstrap leaves {@code /proc} mounted in its target).
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<String> mounted = mountsUnder(dir);
    if (!mounted.isEmpty()) {
      throw new IOException("delete " + dir + ": refused, still mounted at " + String.join(", ", mounted));
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.setAttribute(d, "unix:mode", 0700); // read-only directories (debootstrap has some) must still be emptied
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Files.delete(f);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The mount points at or below {@code dir}. */
  static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString();
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
        .map(l -> l.split(" ")[1].replace("\\040", " "))
        .filter(m -> m.equals(prefix) || m.startsWith(prefix + "/"))
        .toList();
  }

  /** Deletes what an interrupted run left in {@code dir}: entries named {@code prefix*}. */
  static void deleteLeftovers(Path dir, String prefix) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : ds) {
        deleteTree(p);
      }
    }
  }

  /**
   * Moves the finished {@code work} directory to {@code target} in one step; returns false, leaving
   * {@code work} in place, when another process put a {@code target} there first.
   */
  static boolean publish(Path work, Path target) throws IOException {
    try {
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("publish " + work + " as " + target + ": not on the same file system", e);
    } catch (IOException e) {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return false; // rename(2) refuses to replace a non-empty directory
      }
      throw e;
    }
  }
}
