package dev.portcullis.oci.tree;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A directory (a project with lock files, or an extracted root file system) read as a one-layer
 * image, so that the same layer pass, catalogers and file checks serve it. It has what a directory
 * has: files, in one {@link DirectoryLayer}. It has no manifest, no digest and no configuration:
 * {@link #config()} is empty (no user, no history, no layers stated), and the accessors of what a
 * directory lacks throw {@link UnsupportedOperationException}. Callers that need them tell a
 * directory apart with {@link #isDirectory(Image)}.
 */
public final class DirectoryImage implements Image {
  private final String name;
  private final DirectoryLayer layer;
  private final ImageConfig config;

  private DirectoryImage(String name, DirectoryLayer layer) {
    this.name = name;
    this.layer = layer;
    this.config = new ImageConfig(Platform.host(), "", "", List.of(), List.of(), List.of(), "", List.of(), List.of(), Map.of(), "", null,
        List.of(), List.of());
  }

  /**
   * Opens {@code dir} (a symlink to a directory is followed, as {@code find -H} does; nothing below
   * it is), named {@code name} in messages; regular files may add up to {@code limits.maxImageBytes()}.
   */
  public static DirectoryImage open(Path dir, String name, Limits limits) throws IOException {
    if (!Files.exists(dir)) {
      throw new ImageReadException("read " + name + ": no such directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new ImageReadException("read " + name + ": not a directory");
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw new ImageReadException("read " + name + ": permission denied");
    }
    return new DirectoryImage(name, new DirectoryLayer(dir.toRealPath(), name, limits.maxImageBytes()));
  }

  /** Whether {@code image} is a directory rather than an image: no digest, no manifest, no configuration of its own. */
  public static boolean isDirectory(Image image) {
    return image instanceof DirectoryImage;
  }

  /** The directory, absolute and with its symlinks resolved. */
  public Path root() {
    return layer.root();
  }

  @Override
  public String name() {
    return name;
  }

  /** @throws UnsupportedOperationException always */
  @Override
  public Digest digest() {
    throw new UnsupportedOperationException(name + " is a directory: it has no digest");
  }

  /** @throws UnsupportedOperationException always */
  @Override
  public Manifest manifest() {
    throw new UnsupportedOperationException(name + " is a directory: it has no manifest");
  }

  /** @throws UnsupportedOperationException always */
  @Override
  public byte[] rawManifest() {
    throw new UnsupportedOperationException(name + " is a directory: it has no manifest");
  }

  /** An empty configuration: a directory states no user, environment, history or layers. */
  @Override
  public ImageConfig config() {
    return config;
  }

  /** @throws UnsupportedOperationException always */
  @Override
  public byte[] rawConfig() {
    throw new UnsupportedOperationException(name + " is a directory: it has no configuration");
  }

  @Override
  public List<Layer> layers() {
    return List.of(layer);
  }

  @Override
  public List<SkippedLayer> skippedLayers() {
    return List.of();
  }

  @Override
  public void close() {}
}
