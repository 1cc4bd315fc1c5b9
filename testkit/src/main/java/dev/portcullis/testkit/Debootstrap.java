package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A real Debian root file system, {@code debootstrap --variant=minbase bookworm} (real dpkg
 * database, merged {@code /usr}, device nodes in {@code /dev}), and a one-layer OCI image of it made
 * by umoci. Both are cached between runs under {@code ~/.cache/portcullis-test/}: each is made in a
 * temporary sibling directory and renamed into place when complete, so an interrupted run never
 * leaves half a cache; a file lock keeps two builds (even in two processes) from making it twice.
 * The first run downloads about 40 MB from {@code deb.debian.org} and takes 30 to 60 s.
 */
public final class Debootstrap {
  public static final String SUITE = "bookworm";
  public static final String MIRROR = "http://deb.debian.org/debian";
  /** The name of the image in {@link #layout()}. */
  public static final String TAG = "bookworm";
  /** The {@code created_by} of the image's only layer. */
  public static final String CREATED_BY = "debootstrap --variant=minbase " + SUITE + " " + MIRROR;
  public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  // bump when what is cached changes, so that old caches are not taken for new ones
  private static final String CACHE_VERSION = "v2";
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private Debootstrap() {}

  /** {@code ~/.cache/portcullis-test/debootstrap-bookworm-minbase-vN}. */
  public static Path cacheDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "portcullis-test", "debootstrap-" + SUITE + "-minbase-" + CACHE_VERSION);
  }

  /** The root file system, without apt's package lists and downloaded packages. Do not change it. */
  public static synchronized Path rootfs() throws IOException {
    Path target = cacheDir().resolve("rootfs");
    return cached(target, work -> {
      Tools.require("debootstrap");
      Tools.run(TIMEOUT, "debootstrap", "--variant=minbase", SUITE, work.toString(), MIRROR);
      // the temporary directory is 0700, and the root's mode goes into the image as its "./" entry
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      // what apt downloaded is not part of an image (Debian's own images drop it too)
      deleteFilesIn(work.resolve("var/cache/apt/archives"));
      deleteFilesIn(work.resolve("var/lib/apt/lists"));
    });
  }

  /** An OCI layout holding image {@value #TAG}: one layer of {@link #rootfs()}, a PATH, {@code CMD ["/bin/bash"]}. */
  public static synchronized Path layout() throws IOException {
    Path rootfs = rootfs();
    Path target = cacheDir().resolve("oci");
    return cached(target, work -> {
      Path scratch = Files.createTempDirectory(cacheDir(), ".scratch-");
      try {
        Umoci.imageOf(rootfs, work.resolve("layout"), TAG, CREATED_BY,
            List.of("--config.env", PATH_ENV, "--config.cmd", "/bin/bash", "--config.label", "dev.portcullis.fixture=debootstrap"), scratch);
      } finally {
        Dirs.deleteTree(scratch);
      }
    }).resolve("layout");
  }

  interface Maker {
    void make(Path work) throws IOException;
  }

  /** {@code target}, made by {@code maker} in a temporary sibling and renamed into place, once, under a file lock. */
  static Path cached(Path target, Maker maker) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return target;
    }
    Path dir = target.getParent();
    Files.createDirectories(dir);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      lockFile.lock(); // released when the channel closes
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return target; // another process made it while we waited
      }
      Dirs.deleteLeftovers(dir, ".tmp-");
      Dirs.deleteLeftovers(dir, ".scratch-");
      Path work = Files.createTempDirectory(dir, ".tmp-" + target.getFileName() + "-");
      try {
        maker.make(work);
        if (!Dirs.publish(work, target)) {
          throw new IOException("cache " + target + ": appeared while it was being made under a lock");
        }
      } finally {
        Dirs.deleteTree(work);
      }
    }
    return target;
  }

  static void deleteFilesIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().equals("lock")) {
          Files.delete(p);
        }
      }
    }
  }
}
