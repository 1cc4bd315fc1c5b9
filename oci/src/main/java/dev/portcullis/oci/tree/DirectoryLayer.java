package dev.portcullis.oci.tree;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one layer of a {@code dir:} source: a directory read file by file where a layer's tar would
 * be streamed ({@link LayerWalker} and {@link FileTree} read it through {@link DirectoryWalker}).
 * It has no blob, hence no digest and no diffID, and is never cached: a directory changes in place.
 *
 * @param root the directory, absolute and with its symlinks resolved
 * @param name the source as the user wrote it ({@code dir:PATH}), for messages
 * @param maxBytes the bytes of regular files that may be read, as {@code --max-image-size} bounds an image
 */
public record DirectoryLayer(Path root, String name, long maxBytes) implements Layer {
  public DirectoryLayer {
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("the root of a directory source must be absolute: " + root);
    }
  }

  @Override
  public int index() {
    return 0;
  }

  /** @throws UnsupportedOperationException always: a directory has no blob */
  @Override
  public Digest digest() {
    throw new UnsupportedOperationException(name + " is a directory: it has no digest");
  }

  /** @throws UnsupportedOperationException always: a directory has no tar */
  @Override
  public Digest diffId() {
    throw new UnsupportedOperationException(name + " is a directory: it has no diffID");
  }

  @Override
  public long size() {
    return 0;
  }

  @Override
  public String mediaType() {
    return "";
  }

  @Override
  public Optional<String> createdBy() {
    return Optional.empty();
  }

  /** @throws ImageReadException always: a directory is read file by file, never as a tar */
  @Override
  public InputStream open() throws IOException {
    throw new ImageReadException("read " + name + ": a directory is read file by file, not as a tar");
  }
}
