package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives {@code umoci} (0.4.7 in Debian 12) on OCI image layouts, named {@code LAYOUT:TAG} as
 * umoci names them. As root, {@code unpack} keeps owners, modes and device nodes. umoci 0.4.7 reads
 * gzip and plain layers only, not zstd ones. Its {@code insert} writes layer tars without the
 * end-of-archive blocks (and without padding after the last file); {@code repack} writes complete
 * tars.
 */
public final class Umoci {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private Umoci() {}

  private static String image(Path layout, String tag) {
    return layout + ":" + tag;
  }

  /** Unpacks {@code layout:tag} into a runtime bundle and returns its {@code rootfs}. */
  public static Path unpack(Path layout, String tag, Path bundle) throws IOException {
    Tools.require("umoci");
    Tools.run(TIMEOUT, "umoci", "unpack", "--image", image(layout, tag), bundle.toString());
    return bundle.resolve("rootfs");
  }

  /** Makes a new, empty layout. */
  public static void init(Path layout) throws IOException {
    Tools.require("umoci");
    Tools.run(TIMEOUT, "umoci", "init", "--layout", layout.toString());
  }

  /** Adds an image {@code tag} with no layers and a default config. */
  public static void newImage(Path layout, String tag) throws IOException {
    Tools.run(TIMEOUT, "umoci", "new", "--image", image(layout, tag));
  }

  /** Commits the changes made in {@code bundle}'s rootfs as a new layer of {@code tag}. */
  public static void repack(Path layout, String tag, Path bundle, String createdBy) throws IOException {
    Tools.run(TIMEOUT, "umoci", "repack", "--history.created_by", createdBy, "--image", image(layout, tag), bundle.toString());
  }

  /** A new layer holding {@code source} at {@code target}; with {@code opaque}, hiding what lower layers had below {@code target}. */
  public static void insert(Path layout, String tag, Path source, String target, boolean opaque) throws IOException {
    List<String> c = new ArrayList<>(List.of("umoci", "insert", "--image", image(layout, tag)));
    if (opaque) {
      c.add("--opaque");
    }
    c.add(source.toString());
    c.add(target);
    Tools.run(TIMEOUT, c);
  }

  /** A new layer that only whites out {@code target}. */
  public static void whiteout(Path layout, String tag, String target) throws IOException {
    Tools.run(TIMEOUT, "umoci", "insert", "--image", image(layout, tag), "--whiteout", target);
  }

  /** Changes the config of {@code tag}: {@code args} are umoci's {@code --config.*} flags. */
  public static void config(Path layout, String tag, List<String> args) throws IOException {
    List<String> c = new ArrayList<>(List.of("umoci", "config", "--image", image(layout, tag)));
    c.addAll(args);
    Tools.run(TIMEOUT, c);
  }

  /** Drops blobs nothing refers to any more. */
  public static void gc(Path layout) throws IOException {
    Tools.run(TIMEOUT, "umoci", "gc", "--layout", layout.toString());
  }

  /**
   * A one-layer image of the directory {@code rootfs} (owners, modes, links and device nodes as
   * they are), written with {@code repack} so that the layer tar is complete.
   */
  public static void imageOf(Path rootfs, Path layout, String tag, String createdBy, List<String> configArgs, Path scratch) throws IOException {
    init(layout);
    newImage(layout, tag);
    Path bundle = scratch.resolve("bundle");
    Path target = unpack(layout, tag, bundle);
    // cp -a keeps owners, modes, hardlinks and device nodes, which java.nio cannot all copy
    Tools.run(TIMEOUT, "cp", "-a", rootfs + "/.", target.toString());
    repack(layout, tag, bundle, createdBy);
    if (!configArgs.isEmpty()) {
      config(layout, tag, configArgs);
    }
    gc(layout);
    Dirs.deleteTree(bundle);
  }
}
