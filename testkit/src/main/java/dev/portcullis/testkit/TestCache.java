package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Inputs that are slow to make (downloads, installs) kept between test runs under {@code
 * ~/.cache/portcullis-test/AREA/}: each made once, in a temporary sibling renamed into place under a
 * file lock, so that a run cut short leaves nothing half made and parallel runs make it once.
 */
public final class TestCache {
  private TestCache() {}

  /** Makes an input in an empty directory. */
  public interface Maker {
    void make(Path work) throws IOException;
  }

  /** {@code ~/.cache/portcullis-test/area}; bump a version in {@code area} when what is made changes. */
  public static Path dir(String area) {
    return Path.of(System.getProperty("user.home"), ".cache", "portcullis-test", area);
  }

  /** {@code dir(area)/name}, made by {@code maker} unless it exists. */
  public static synchronized Path cached(String area, String name, Maker maker) throws IOException {
    Path dir = dir(area);
    Path target = dir.resolve(name);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return target;
    }
    Files.createDirectories(dir);
    try (FileChannel lock = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      lock.lock();
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return target;
      }
      Path work = Files.createTempDirectory(dir, ".tmp-" + name + "-");
      try {
        maker.make(work);
        try {
          Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("cache " + target + ": cannot rename " + work + " into place atomically", e);
        }
      } finally {
        Dirs.deleteTree(work);
      }
    }
    return target;
  }
}
