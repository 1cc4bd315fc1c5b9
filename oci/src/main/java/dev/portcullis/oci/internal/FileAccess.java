package dev.portcullis.oci.internal;

import dev.portcullis.oci.ImageReadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;

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

  /**
   * Files of an uncompressed tar, indexed once as it streams; entries are looked up by exact name,
   * never extracted. The index holds only regular files with names a layout or archive can use
   * (at most {@value #MAX_NAME} characters), and the tar may have at most {@code maxEntries}
   * entries of any kind, so that its memory is bounded whatever the tar holds.
   */
  final class Tar implements FileAccess {
    static final int MAX_NAME = 512;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, long[]> entries = new HashMap<>();

    public Tar(Path file, String what, long maxEntries) throws IOException {
      this.file = file;
      try (InputStream raw = Files.newInputStream(file)) {
        CountingInputStream counted = new CountingInputStream(new BufferedInputStream(raw, 1 << 16));
        TarArchiveInputStream tar = new TarArchiveInputStream(counted);
        long n = 0;
        TarArchiveEntry e;
        while ((e = next(tar, what, n)) != null) {
          if (++n > maxEntries) {
            throw new ImageReadException("read " + what + ": the archive has more than " + maxEntries + " entries (--max-archive-entries)");
          }
          if (e.isFile() && !e.isSparse() && e.getName().length() <= MAX_NAME) {
            String name = e.getName();
            while (name.startsWith("./")) {
              name = name.substring(2);
            }
            // the data of the entry starts where its header (and any extended headers) end
            entries.put(name, new long[] {counted.count(), e.getSize()});
          }
        }
      }
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    private static @Nullable TarArchiveEntry next(TarArchiveInputStream tar, String what, long n) throws IOException {
      try {
        return tar.getNextEntry();
      } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
        throw new ImageReadException("read " + what + ": not a readable tar archive (entry " + n + ": " + e.getMessage() + ")", e);
      }
    }

    @Override
    public Optional<InputStream> open(String relative) throws IOException {
      long[] e = entries.get(relative);
      if (e == null) {
        return Optional.empty();
      }
      if (e[0] + e[1] > channel.size()) {
        throw new ImageReadException("read " + relative + " from " + file + ": the archive ends inside it");
      }
      return Optional.of(new BufferedInputStream(new Slice(channel, e[0], e[1]), 1 << 16));
    }

    @Override
    public Optional<Long> size(String relative) {
      long[] e = entries.get(relative);
      return e == null ? Optional.empty() : Optional.of(e[1]);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A range of a file, read with positional reads so that many can be open on one channel. */
  final class Slice extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    Slice(FileChannel channel, long start, long length) {
      this.channel = channel;
      this.position = start;
      this.end = start + length;
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
      if (n < 0) {
        throw new java.io.EOFException("the archive ends " + (end - position) + " bytes before the end of the file in it");
      }
      position += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long s = Math.max(0, Math.min(n, end - position));
      position += s;
      return s;
    }
  }
}
