package dev.portcullis.oci.internal;

import dev.portcullis.oci.ImageReadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Named files of a layout or an archive: a directory, or a tar read with random access. */
public sealed interface FileAccess extends java.io.Closeable {
  /** The file at {@code relative} ({@code blobs/sha256/...}), if there is one. */
  Optional<InputStream> open(String relative) throws IOException;

  /** Its size, if there is such a file. */
  Optional<Long> size(String relative) throws IOException;

  /** Files of a directory; names never leave it. */
  record Directory(Path root) implements FileAccess {
    @Override
    public Optional<InputStream> open(String relative) throws IOException {
      Optional<Path> p = resolve(relative);
      return p.isPresent() ? Optional.of(new BufferedInputStream(Files.newInputStream(p.get()), 1 << 16)) : Optional.empty();
    }

    @Override
    public Optional<Long> size(String relative) throws IOException {
      Optional<Path> p = resolve(relative);
      return p.isPresent() ? Optional.of(Files.size(p.get())) : Optional.empty();
    }

    private Optional<Path> resolve(String relative) {
      Path p = root.resolve(relative).normalize();
      if (!p.startsWith(root.normalize()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p)) {
        return Optional.empty();
      }
      return Optional.of(p);
    }

    @Override
    public void close() {}
  }

  /** Files of an uncompressed tar, indexed once; entries are looked up by exact name, never extracted. */
  final class Tar implements FileAccess {
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();

    public Tar(Path file, String what) throws IOException {
      try {
        this.tar = new TarFile(file);
      } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
        throw new ImageReadException("read " + what + ": not a readable tar archive (" + e.getMessage() + ")", e);
      }
      for (TarArchiveEntry e : tar.getEntries()) {
        if (e.isFile()) {
          String name = e.getName();
          while (name.startsWith("./")) {
            name = name.substring(2);
          }
          entries.put(name, e);
        }
      }
    }

    @Override
    public Optional<InputStream> open(String relative) throws IOException {
      TarArchiveEntry e = entries.get(relative);
      return e == null ? Optional.empty() : Optional.of(new BufferedInputStream(tar.getInputStream(e), 1 << 16));
    }

    @Override
    public Optional<Long> size(String relative) {
      TarArchiveEntry e = entries.get(relative);
      return e == null ? Optional.empty() : Optional.of(e.getSize());
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }
}
