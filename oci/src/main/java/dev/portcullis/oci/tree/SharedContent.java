package dev.portcullis.oci.tree;

import dev.portcullis.oci.internal.SingleByte;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * One entry's bytes, streamed once, for several analysers in turn: each reader replays what the
 * readers before it consumed, then goes on with the stream. Only bytes some reader consumed are
 * kept (an analyser that looks at a file's head keeps only the head): in memory up to a bound, in
 * a temporary file beyond it, which {@link #close} deletes.
 */
final class SharedContent implements Closeable {
  /** The most one entry's shared bytes take in memory; the rest goes to a temporary file. */
  static final int IN_MEMORY = 4 << 20;

  private final InputStream live;
  private final Path tempDir;
  private final int inMemory;
  private final Recording head = new Recording();
  private @Nullable Path spillFile;
  private @Nullable OutputStream spill;
  private long recorded;

  SharedContent(InputStream live, Path tempDir) {
    this(live, tempDir, IN_MEMORY);
  }

  SharedContent(InputStream live, Path tempDir, int inMemory) {
    this.live = live;
    this.tempDir = tempDir;
    this.inMemory = inMemory;
  }

  /** A reader from the entry's first byte; {@code last} says no reader follows, so what it reads is not kept. */
  InputStream reader(boolean last) throws IOException {
    if (spill != null) {
      spill.flush();
    }
    return new Reader(last);
  }

  private void record(byte[] b, int off, int len) throws IOException {
    int toMemory = (int) Math.max(0, Math.min(len, inMemory - recorded));
    head.write(b, off, toMemory);
    if (toMemory < len) {
      if (spill == null) {
        spillFile = Files.createTempFile(tempDir, "portcullis-entry-", ".bin");
        spill = Files.newOutputStream(spillFile);
      }
      spill.write(b, off + toMemory, len - toMemory);
    }
    recorded += len;
  }

  @Override
  public void close() throws IOException {
    try {
      if (spill != null) {
        spill.close();
      }
    } finally {
      if (spillFile != null) {
        Files.deleteIfExists(spillFile);
      }
    }
  }

  /** The bytes kept in memory, read in place: they are only ever appended to, so a reader's prefix never changes under it. */
  private static final class Recording extends ByteArrayOutputStream {
    byte[] buffer() {
      return buf;
    }
  }

  private final class Reader extends InputStream {
    private final boolean last;
    private final long replayable = recorded;
    private final byte[] memory = head.buffer();
    private final int held = head.size();
    private long position;
    private @Nullable FileChannel spilled;

    Reader(boolean last) {
      this.last = last;
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position < replayable) {
        int n;
        if (position < held) {
          n = (int) Math.min(len, held - position);
          System.arraycopy(memory, (int) position, b, off, n);
        } else {
          if (spilled == null) {
            spilled = FileChannel.open(spillFile, StandardOpenOption.READ);
          }
          spilled.position(position - held);
          n = Channels.newInputStream(spilled).read(b, off, (int) Math.min(len, replayable - position));
          if (n < 0) {
            throw new IOException("the shared copy of a layer entry ended early");
          }
        }
        position += n;
        return n;
      }
      int n = live.read(b, off, len);
      if (n > 0) {
        if (!last) {
          record(b, off, n);
        }
        position += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      if (spilled != null) {
        spilled.close();
      }
    }
  }
}
