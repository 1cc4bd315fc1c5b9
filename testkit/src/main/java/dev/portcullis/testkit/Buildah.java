package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds images from Dockerfiles with {@code buildah bud}, in a storage root of its own under a
 * temporary directory, so that no run sees or leaves images elsewhere ({@code
 * /var/lib/containers/cache}, a cache of which compressed blob is which uncompressed one, is
 * still shared). {@link #close()} deletes that storage. RUN steps use {@code --isolation chroot},
 * which works as root with neither a container runtime nor user namespaces.
 */
public final class Buildah implements AutoCloseable {
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(2);

  /**
   * The storage driver, which decides the shape of the layers a build writes. {@code OVERLAY} diffs
   * the overlayfs upper directory as Docker's overlay2 does: a directory removed and made again is
   * an opaque directory ({@code .wh..wh..opq}), and a hardlink to a lower file copies that file up
   * into the new layer. {@code VFS} compares whole trees instead: it never writes opaque markers
   * (one whiteout per old file) and writes a hardlink to a lower file as a plain copy.
   */
  public enum Driver {
    OVERLAY("overlay"),
    VFS("vfs");

    private final String flag;

    Driver(String flag) {
      this.flag = flag;
    }
  }

  private final Path root;
  private final Driver driver;

  private Buildah(Path root, Driver driver) {
    this.root = root;
    this.driver = driver;
  }

  /** A builder whose storage lives in a new directory under {@code parent}. */
  public static Buildah create(Path parent, Driver driver) throws IOException {
    Tools.require("buildah");
    Files.createDirectories(parent);
    return new Buildah(Files.createTempDirectory(parent, "buildah-"), driver);
  }

  private List<String> command(String... args) {
    List<String> c = new ArrayList<>(List.of("buildah", "--storage-driver", driver.flag,
        "--root", root.resolve("root").toString(), "--runroot", root.resolve("runroot").toString()));
    c.addAll(List.of(args));
    return c;
  }

  /**
   * Builds {@code context/Dockerfile} as {@code tag}, one layer per instruction that changes files
   * ({@code --layers}; without it buildah squashes all the steps of a build into one layer).
   */
  public void bud(Path context, String tag, Map<String, String> buildArgs) throws IOException {
    List<String> c = command("bud", "--layers", "--isolation", "chroot", "-f", context.resolve("Dockerfile").toString(), "-t", tag);
    for (Map.Entry<String, String> a : new TreeMap<>(buildArgs).entrySet()) {
      c.add("--build-arg");
      c.add(a.getKey() + "=" + a.getValue());
    }
    c.add(context.toString());
    Tools.run(BUILD_TIMEOUT, c);
  }

  /** Writes image {@code tag} to a containers-transport destination: {@code oci:DIR:NAME}, {@code oci-archive:FILE:NAME}. */
  public void push(String tag, String destination) throws IOException {
    Tools.run(PUSH_TIMEOUT, command("push", tag, destination));
  }

  /** Deletes the storage; refuses (and says so) while anything is still mounted inside it. */
  @Override
  public void close() throws IOException {
    if (!Dirs.mountsUnder(root).isEmpty()) {
      Tools.run(PUSH_TIMEOUT, command("umount", "--all"));
    }
    Dirs.deleteTree(root);
  }
}
