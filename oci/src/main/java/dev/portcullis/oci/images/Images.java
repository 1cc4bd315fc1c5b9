package dev.portcullis.oci.images;

import dev.portcullis.oci.Compression;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.internal.DockerArchiveReader;
import dev.portcullis.oci.internal.DockerEngineClient;
import dev.portcullis.oci.internal.FileAccess;
import dev.portcullis.oci.internal.LayoutReader;
import dev.portcullis.oci.local.ContainersStore;
import dev.portcullis.oci.local.StoreImageReader;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.oci.tree.DirectoryImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens images from any {@link ImageSource}. */
public final class Images {
  private Images() {}

  /**
   * Reads the manifest and config of the image {@code source} names and verifies them; layers are
   * read later, through {@link Layer#open()}. The caller closes the image.
   */
  public static Image open(ImageSource source, ReadOptions options) throws IOException {
    String name = source.describe();
    return switch (source) {
      case ImageSource.OciLayout l -> {
        if (!Files.isDirectory(l.dir())) {
          throw new ImageReadException("read " + name + ": no such directory");
        }
        yield LayoutReader.read(new FileAccess.Directory(l.dir()), l.refName(), name, options, () -> {});
      }
      case ImageSource.OciArchive a -> fromArchive(a.file(), name, options, (files, onClose) -> LayoutReader.read(files, a.refName(), name, options, onClose));
      case ImageSource.DockerArchive a -> fromArchive(a.file(), name, options, (files, onClose) -> DockerArchiveReader.read(files, a.tag(), name, options, onClose));
      case ImageSource.Remote r -> RegistryClient.pull(r.ref(), options);
      case ImageSource.ContainersStorage s -> StoreImageReader.read(
          new ContainersStore(s.root() != null ? s.root() : options.engines().storageRoot()), s.driver(), s.image(), name, options);
      case ImageSource.DockerEngine d -> fromEngine(d, name, options);
      case ImageSource.Directory d -> DirectoryImage.open(d.dir(), name, options.limits());
    };
  }

  /** Streams {@code docker save}'s archive from the engine to a temporary file, then reads it as a docker archive. */
  private static Image fromEngine(ImageSource.DockerEngine source, String name, ReadOptions options) throws IOException {
    Path saved = Files.createTempFile(options.tempDir(), "portcullis-docker-", ".tar");
    try {
      DockerEngineClient.of(options.engines().dockerHost(), options.registry().deadlines()).save(source.name(), saved, options.limits(), name);
      return fromArchive(saved, name, options, (files, onClose) -> DockerArchiveReader.read(files, null, name, options, () -> {
        onClose.run();
        deleteQuietly(saved);
      }));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(saved);
      throw e;
    }
  }

  private interface ArchiveOpener {
    Image open(FileAccess files, Runnable onClose) throws IOException;
  }

  /** Opens a tar (decompressing a gzip or zstd one to a temporary file first) and hands it to {@code opener}. */
  private static Image fromArchive(Path file, String name, ReadOptions options, ArchiveOpener opener) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImageReadException("read " + name + ": no such file");
    }
    Path tar = file;
    Path spooled = null;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      if (Compression.sniff(in) != Compression.NONE) {
        spooled = Files.createTempFile(options.tempDir(), "portcullis-archive-", ".tar");
        try (InputStream plain = Compression.decompress(in); OutputStream out = Files.newOutputStream(spooled)) {
          long copied = 0;
          byte[] buf = new byte[1 << 16];
          int n;
          while ((n = plain.read(buf)) >= 0) {
            copied += n;
            if (copied > options.limits().maxImageBytes()) {
              throw new ImageReadException("decompress " + name + ": larger than the limit of " + options.limits().maxImageBytes() + " bytes (--max-image-size)");
            }
            out.write(buf, 0, n);
          }
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
          throw new ImageReadException("decompress " + name + ": truncated or corrupt (" + e.getMessage() + ")", e);
        }
        tar = spooled;
      }
    } catch (NoSuchFileException e) {
      throw new ImageReadException("read " + name + ": no such file", e);
    } catch (IOException e) {
      deleteQuietly(spooled);
      throw e;
    }
    Path toDelete = spooled;
    FileAccess.Tar files = null;
    try {
      files = new FileAccess.Tar(tar, name, options.limits().maxArchiveEntries());
      FileAccess.Tar opened = files;
      return opener.open(files, () -> {
        closeQuietly(opened);
        deleteQuietly(toDelete);
      });
    } catch (IOException | RuntimeException e) {
      closeQuietly(files);
      deleteQuietly(toDelete);
      throw e;
    }
  }

  private static void closeQuietly(@org.jspecify.annotations.Nullable FileAccess f) {
    if (f != null) {
      try {
        f.close();
      } catch (IOException ignored) {
        // nothing was written through it
      }
    }
  }

  private static void deleteQuietly(@org.jspecify.annotations.Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file left in the temp directory is harmless
      }
    }
  }
}
