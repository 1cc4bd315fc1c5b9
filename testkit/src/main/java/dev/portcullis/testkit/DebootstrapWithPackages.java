package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Debootstrap}'s image with more Debian packages installed by {@code apt-get install
 * --no-install-recommends} in a second layer, as a {@code RUN apt-get install} would add them, and
 * the root file system that layer was made from. Cached like {@link Debootstrap}, in a directory of
 * its own per package list; the first run downloads the packages from {@value Debootstrap#MIRROR}.
 */
public final class DebootstrapWithPackages {
  private static final String CACHE_VERSION = "v1";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** The image of {@code packages}: its OCI layout (tag {@value Debootstrap#TAG}) and unpacked root. */
  public record Image(Path layout, Path rootfs) {}

  private DebootstrapWithPackages() {}

  public static synchronized Image of(List<String> packages) throws IOException {
    List<String> sorted = packages.stream().sorted().distinct().toList();
    if (sorted.isEmpty() || sorted.stream().anyMatch(p -> !p.matches("[a-z0-9][a-z0-9+.-]+"))) {
      throw new IllegalArgumentException("Debian package names needed: " + packages);
    }
    Path base = Debootstrap.layout();
    Path dir = Debootstrap.cacheDir().resolveSibling(Debootstrap.cacheDir().getFileName() + "-with-" + String.join("-", sorted) + "-" + CACHE_VERSION);
    Path target = Debootstrap.cached(dir.resolve("image"), work -> {
      Path layout = work.resolve("layout");
      Tools.run(TIMEOUT, "cp", "-a", base.toString(), layout.toString());
      Path rootfs = Umoci.unpack(layout, Debootstrap.TAG, work.resolve("bundle"));
      List<String> install = new ArrayList<>(List.of("chroot", rootfs.toString(), "apt-get", "install", "-y", "-q", "--no-install-recommends"));
      install.addAll(sorted);
      Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C");
      Tools.run(TIMEOUT, env, List.of("chroot", rootfs.toString(), "apt-get", "update", "-q"));
      Tools.run(TIMEOUT, env, install);
      Tools.run(TIMEOUT, env, List.of("chroot", rootfs.toString(), "apt-get", "clean"));
      Debootstrap.deleteFilesIn(rootfs.resolve("var/lib/apt/lists"));
      Umoci.repack(layout, Debootstrap.TAG, work.resolve("bundle"), "apt-get install -y --no-install-recommends " + String.join(" ", sorted));
      Umoci.gc(layout);
      if (!Files.isDirectory(rootfs.resolve("var/lib/dpkg"))) {
        throw new IOException("install " + sorted + ": no dpkg database in " + rootfs);
      }
    });
    return new Image(target.resolve("layout"), target.resolve("bundle/rootfs"));
  }
}
