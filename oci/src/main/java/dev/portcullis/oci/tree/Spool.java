package dev.portcullis.oci.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.jspecify.annotations.Nullable;

/**
 * A file's content made randomly accessible for an analyser that needs it (a zip, an ELF binary):
 * kept in memory up to a threshold, spooled to a temporary file beyond it, so that memory does
 * not grow with the file. Closing deletes the temporary file.
 */
public final class Spool implements AutoCloseable {
  /** Files up to this size stay in memory unless told otherwise. */
  public static final long DEFAULT_MEMORY_THRESHOLD = 8L << 20;

  private final byte @Nullable [] bytes;
  private final @Nullable Path file;
  private final long size;

  private Spool(byte @Nullable [] bytes, @Nullable Path file, long size) {
    this.bytes = bytes;
    this.file = file;
    this.size = size;
  }

  /** Reads {@code content} (at most {@code maxSize} bytes) into memory or into a file under {@code tempDir}. */
  public static Spool of(InputStream content, long declaredSize, Path tempDir, long memoryThreshold, long maxSize) throws IOException {
    if (declaredSize > maxSize) {
      throw new IOException("spool " + declaredSize + " bytes: larger than the limit of " + maxSize);
    }
    if (declaredSize >= 0 && declaredSize <= memoryThreshold) {
      byte[] b = content.readNBytes((int) declaredSize);
      return new Spool(b, null, b.length);
    }
    Path f = Files.createTempFile(tempDir, "portcullis-spool-", ".bin");
    try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE)) {
      long n = 0;
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = content.read(buf)) >= 0) {
        n += r;
        if (n > maxSize) {
          throw new IOException("spool: content larger than the limit of " + maxSize);
        }
        out.write(ByteBuffer.wrap(buf, 0, r));
      }
      return new Spool(null, f, n);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(f);
      throw e;
    }
  }

  public long size() {
    return size;
  }

  /** The temporary file, when the content was too large for memory. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** A fresh channel over the content, positioned at 0; the caller closes it. */
  public SeekableByteChannel channel() throws IOException {
    if (bytes != null) {
      return new InMemory(new SeekableInMemoryByteChannel(bytes));
    }
    return FileChannel.open(java.util.Objects.requireNonNull(file), StandardOpenOption.READ);
  }

  /**
   * A channel over the content in memory that lets go of it when closed: a reader kept alive after
   * its close (commons-compress's {@code ZipFile} waits for its finalizer, and the collector keeps
   * all it reaches until then) holds no copy of the content.
   */
  private static final class InMemory implements SeekableByteChannel {
    private @Nullable SeekableInMemoryByteChannel open;

    InMemory(SeekableInMemoryByteChannel open) {
      this.open = open;
    }

    private SeekableInMemoryByteChannel open() throws ClosedChannelException {
      SeekableInMemoryByteChannel c = open;
      if (c == null) {
        throw new ClosedChannelException();
      }
      return c;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return open().read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return open().write(src);
    }

    @Override
    public long position() throws IOException {
      return open().position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      open().position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return open().size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      open().truncate(size);
      return this;
    }

    @Override
    public boolean isOpen() {
      return open != null;
    }

    @Override
    public void close() {
      open = null;
    }
  }

  public InputStream stream() throws IOException {
    return Channels.newInputStream(channel());
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException("delete spool file " + file, e);
      }
    }
  }
}
