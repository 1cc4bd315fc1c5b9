package dev.portcullis.oci.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a source on a thread of its own, a few chunks ahead of the consumer, so that producing
 * the bytes (download, digest checks, decompression) overlaps with using them (tar parsing,
 * writing files). The source's exceptions reach the consumer unchanged, at the point in the
 * stream where they happened. Closing stops the producer after the chunk it is reading, and it
 * then closes the source.
 */
public final class PrefetchInputStream extends InputStream {
  /** Opens the source; runs on the producer thread. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  private static final int CHUNK = 1 << 20;
  private static final int AHEAD = 4;
  private static final Object END = new Object();

  private final BlockingQueue<Object> filled = new ArrayBlockingQueue<>(AHEAD + 1);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(AHEAD + 2);
  private final Thread producer;
  private volatile boolean closed;
  private byte[] current = new byte[0];
  private int pos;
  private int limit;
  private boolean ended;

  /** A filled chunk: the buffer and how much of it holds data. */
  private record Chunk(byte[] buffer, int length) {}

  public PrefetchInputStream(Source source, String name) {
    producer = Thread.ofPlatform().daemon().name("prefetch " + name).unstarted(() -> produce(source));
    producer.start();
  }

  private void produce(Source source) {
    try (InputStream in = source.open()) {
      while (!closed) {
        byte[] buf = free.poll();
        if (buf == null) {
          buf = new byte[CHUNK];
        }
        int n = 0;
        Throwable failure = null;
        try {
          int r;
          while (n < buf.length && (r = in.read(buf, n, buf.length - n)) >= 0) {
            n += r;
          }
        } catch (Throwable t) {
          failure = t;
        }
        if (n > 0) {
          filled.put(new Chunk(buf, n));
        }
        if (failure != null) {
          filled.put(failure);
          return;
        }
        if (n < buf.length) {
          filled.put(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      try {
        filled.put(t);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean fill() throws IOException {
    if (ended) {
      return false;
    }
    Object next;
    try {
      next = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading ahead");
    }
    if (pos > 0 || limit > 0) {
      free.offer(current);
    }
    return switch (next) {
      case Chunk c -> {
        current = c.buffer();
        pos = 0;
        limit = c.length();
        yield true;
      }
      case IOException e -> {
        ended = true;
        throw e;
      }
      case RuntimeException e -> {
        ended = true;
        throw e;
      }
      case Error e -> {
        ended = true;
        throw e;
      }
      case Throwable t -> {
        ended = true;
        throw new IOException(t);
      }
      default -> {
        ended = true;
        yield false;
      }
    };
  }

  @Override
  public int read() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return current[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == limit) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return limit - pos;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // no interrupt: it would close a channel the source may share (an archive's); the producer
    // stops after its current chunk, and clearing the queue makes room for its last put
    filled.clear();
  }
}
