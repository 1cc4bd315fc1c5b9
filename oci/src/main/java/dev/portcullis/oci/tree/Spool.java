package dev.portcullis.oci.tree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
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
      return new SeekableInMemoryByteChannel(bytes);
    }
    return FileChannel.open(java.util.Objects.requireNonNull(file), StandardOpenOption.READ);
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
