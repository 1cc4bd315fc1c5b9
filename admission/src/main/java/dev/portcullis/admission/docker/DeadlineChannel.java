package dev.portcullis.admission.docker;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connected socket channel whose every read and write ends by a deadline. The JDK's Unix domain
 * channels have no socket timeouts, so a watchdog closes the channel when a deadline passes; the
 * blocked call then fails with a {@link SocketTimeoutException}. Blocking channel calls park virtual
 * threads instead of holding a carrier, so each connection can have a thread of its own.
 */
final class DeadlineChannel implements Closeable {
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "portcullis-socket-deadlines");
    t.setDaemon(true);
    return t;
  });

  private final SocketChannel channel;
  private final ByteBuffer in;
  private final AtomicBoolean expired = new AtomicBoolean();

  DeadlineChannel(SocketChannel channel, int bufferSize) throws IOException {
    this.channel = channel;
    channel.configureBlocking(true);
    this.in = ByteBuffer.allocate(bufferSize).flip();
  }

  /** The next byte, or -1 at the end of the stream; waits until {@code deadline} at most. */
  int read(Instant deadline) throws IOException {
    if (!in.hasRemaining() && !fill(deadline)) {
      return -1;
    }
    return in.get() & 0xff;
  }

  /** Up to {@code max} bytes into {@code out} from {@code off}; -1 at the end of the stream. */
  int read(byte[] out, int off, int max, Instant deadline) throws IOException {
    if (!in.hasRemaining() && !fill(deadline)) {
      return -1;
    }
    int n = Math.min(max, in.remaining());
    in.get(out, off, n);
    return n;
  }

  private boolean fill(Instant deadline) throws IOException {
    in.clear();
    try {
      int n;
      ScheduledFuture<?> watch = watch(deadline);
      try {
        n = channel.read(in);
      } catch (AsynchronousCloseException e) {
        throw timedOut("read", e);
      } finally {
        watch.cancel(false);
      }
      return n >= 0;
    } finally {
      in.flip();
    }
  }

  void write(byte[] bytes, Instant deadline) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    ScheduledFuture<?> watch = watch(deadline);
    try {
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } catch (AsynchronousCloseException e) {
      throw timedOut("write", e);
    } finally {
      watch.cancel(false);
    }
  }

  private ScheduledFuture<?> watch(Instant deadline) throws SocketTimeoutException {
    long ms = Duration.between(Instant.now(), deadline).toMillis();
    if (ms <= 0) {
      throw new SocketTimeoutException("the deadline passed");
    }
    return WATCHDOG.schedule(() -> {
      expired.set(true);
      try {
        channel.close();
      } catch (IOException e) {
        // closing is all the watchdog can do; the blocked call fails either way
      }
    }, ms, TimeUnit.MILLISECONDS);
  }

  private IOException timedOut(String what, AsynchronousCloseException e) {
    return expired.get() ? new SocketTimeoutException(what + " did not complete before the deadline") : e;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
