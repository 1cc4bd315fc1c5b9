package dev.portcullis.oci.registry;

import dev.portcullis.oci.internal.SingleByte;
import dev.portcullis.oci.TransferDeadlines;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One network request under {@link TransferDeadlines}, from sending it to the last byte of its
 * answer. Give each attempt {@link #responseTimeout} as its {@code HttpRequest.timeout}, report a
 * timed-out attempt with {@link #noResponse}, and read the answer through {@link #body}: that stream
 * fails with a {@link NetworkReadException} when a deadline passes or the connection ends early.
 *
 * <p>A blocked read cannot be timed out by the JDK's client, so one shared daemon thread watches
 * every open body and closes the one that misses a deadline. A body stops being watched when it
 * ends, fails or is closed, so callers close what they open; the thread ends when nothing is watched.
 */
public final class NetworkRead {
  private static final long NONE = Long.MIN_VALUE;

  private final TransferDeadlines deadlines;
  private final String what;
  private final long startNanos = System.nanoTime();
  private boolean lastTimeoutWasStall = true;

  /**
   * Starts the clock of one request under {@code deadlines}; {@code what} names the operation in messages ({@code pull
   * manifest registry.example/app:1}).
   */
  public static NetworkRead start(TransferDeadlines deadlines, String what) {
    return new NetworkRead(deadlines, what);
  }

  private NetworkRead(TransferDeadlines deadlines, String what) {
    this.deadlines = deadlines;
    this.what = what;
  }

  /** What is being done, as messages name it. */
  public String what() {
    return what;
  }

  /** The time left of the network timeout; zero or negative once it has passed. */
  public Duration remaining() {
    return deadlines.overall().minusNanos(System.nanoTime() - startNanos);
  }

  /** Whether a wait of {@code d} before another attempt still leaves time for it. */
  public boolean allows(Duration d) {
    return remaining().compareTo(d) > 0;
  }

  /**
   * The longest the next attempt may wait for its response headers: the stall timeout, or for a
   * request that sends a body (whose upload counts too) the network timeout, never past the network
   * timeout. Fails once the network timeout has passed.
   */
  public Duration responseTimeout(URI to, boolean sendsBody) throws NetworkReadException {
    Duration left = remaining();
    if (left.isNegative() || left.isZero()) {
      throw new NetworkReadException(what + ": no answer from " + display(to) + " within the network timeout of " + show(deadlines.overall()));
    }
    lastTimeoutWasStall = !sendsBody && deadlines.stall().compareTo(left) < 0;
    return lastTimeoutWasStall ? deadlines.stall() : left;
  }

  /** The error for an attempt whose response headers did not arrive within {@link #responseTimeout}. */
  public NetworkReadException noResponse(URI from, IOException cause) {
    String deadline = lastTimeoutWasStall
        ? "the stall timeout of " + show(deadlines.stall())
        : "the network timeout of " + show(deadlines.overall());
    return new NetworkReadException(what + ": no answer from " + display(from) + " within " + deadline, cause);
  }

  /** {@link #body(URI, InputStream, long)} of a response, with its final URL and {@code Content-Length}. */
  public InputStream body(HttpResponse<InputStream> response) {
    return body(response.uri(), response.body(), response.headers().firstValueAsLong("Content-Length").orElse(-1));
  }

  /**
   * The body {@code raw} of the answer from {@code from}, watched: reading fails once the server has
   * sent fewer than {@code minBytes} in a stall window or the network timeout has passed, and at a
   * broken connection, saying after how many bytes (of {@code contentLength}, when not -1).
   */
  public InputStream body(URI from, InputStream raw, long contentLength) {
    return new WatchedBody(from, raw, contentLength, System.nanoTime() - startNanos);
  }

  /** {@code scheme://host:port/path}: a URL for messages, without user info, query or fragment. */
  static String display(URI uri) {
    if (uri.getHost() == null) {
      return Objects.requireNonNullElse(uri.getScheme(), "") + ":" + Objects.requireNonNullElse(uri.getRawPath(), "");
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + Objects.requireNonNullElse(uri.getRawPath(), "");
  }

  /** How many bodies are watched now, for tests that check none is left behind. */
  static int watched() {
    return Watchdog.EXECUTOR.getQueue().size();
  }

  /** The one thread that watches every open body; it ends after a few idle seconds and starts again when needed. */
  private static final class Watchdog {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
          r -> Thread.ofPlatform().daemon().name("portcullis-network-watchdog").unstarted(r));
      e.setRemoveOnCancelPolicy(true);
      e.setKeepAliveTime(5, TimeUnit.SECONDS);
      e.allowCoreThreadTimeOut(true);
      return e;
    }
  }

  /** A body whose blocked reads are timed; the watchdog closes it when a read blocks past a deadline. */
  private final class WatchedBody extends InputStream {
    private final URI from;
    private final InputStream raw;
    private final long contentLength;
    private final ScheduledFuture<?> watch;
    private long spentNanos;
    private long windowNanos;
    private long windowBytes;
    private long readingSince = NONE;
    private long total;
    private boolean finished;
    private boolean closed;
    private @Nullable String tripped;

    WatchedBody(URI from, InputStream raw, long contentLength, long spentNanos) {
      this.from = from;
      this.raw = raw;
      this.contentLength = contentLength;
      this.spentNanos = spentNanos;
      long period = Math.clamp(Math.min(deadlines.stall().toNanos(), deadlines.overall().toNanos()) / 4,
          TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
      this.watch = Watchdog.EXECUTOR.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      synchronized (this) {
        if (tripped != null) {
          throw new NetworkReadException(tripped);
        }
        if (closed) {
          throw new IOException(what + ": reading " + display(from) + ": the stream is closed");
        }
        if (finished) {
          return -1;
        }
        if (len == 0) {
          return 0;
        }
        readingSince = System.nanoTime();
      }
      int n;
      try {
        n = raw.read(b, off, len);
      } catch (IOException e) {
        throw failed(e);
      }
      String late;
      synchronized (this) {
        long now = System.nanoTime();
        long blocked = readingSince == NONE ? 0 : now - readingSince;
        readingSince = NONE;
        spentNanos += blocked;
        windowNanos += blocked;
        if (n < 0) {
          finish();
          if (contentLength >= 0 && total < contentLength) {
            throw new NetworkReadException(truncated(null));
          }
          return -1;
        }
        total += n;
        windowBytes += n;
        late = late(0);
        if (late != null) {
          trip(late);
        }
      }
      if (late != null) {
        closeQuietly();
        throw new NetworkReadException(late);
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return closed || finished ? 0 : raw.available();
    }

    @Override
    public void close() throws IOException {
      synchronized (this) {
        closed = true;
        finish();
      }
      raw.close();
    }

    /** The periodic check of the watchdog: closes the stream under a read that has blocked past a deadline. */
    private void check() {
      String late;
      synchronized (this) {
        if (finished) {
          watch.cancel(false);
          return;
        }
        if (readingSince == NONE) {
          return;
        }
        long now = System.nanoTime();
        late = late(now - readingSince);
        if (late == null && windowNanos + now - readingSince >= deadlines.stall().toNanos()) {
          // the window is over and had its bytes: the blocked read starts the next one
          spentNanos += now - readingSince;
          readingSince = now;
          windowNanos = 0;
          windowBytes = 0;
        }
        if (late != null) {
          trip(late);
        }
      }
      if (late != null) {
        closeQuietly();
      }
    }

    /**
     * The message of the deadline passed with {@code ongoing} nanoseconds of a read still blocked, or
     * null; a window that is over and had its bytes is reset. Holds the lock.
     */
    private @Nullable String late(long ongoing) {
      if (spentNanos + ongoing >= deadlines.overall().toNanos()) {
        return what + ": reading " + display(from) + " took longer than the network timeout of " + show(deadlines.overall())
            + " (" + total + (contentLength >= 0 ? " of " + contentLength : "") + " bytes read)";
      }
      if (windowNanos + ongoing >= deadlines.stall().toNanos()) {
        if (windowBytes < deadlines.minBytes()) {
          return what + ": reading " + display(from) + " stalled: " + (windowBytes == 0 ? "nothing" : windowBytes + " bytes")
              + " in " + show(deadlines.stall()) + ", less than the " + deadlines.minBytes() + " bytes the stall timeout requires ("
              + total + (contentLength >= 0 ? " of " + contentLength : "") + " bytes read)";
        }
        if (ongoing == 0) {
          windowNanos = 0;
          windowBytes = 0;
        }
      }
      return null;
    }

    private void trip(String message) {
      tripped = message;
      finish();
    }

    private void finish() {
      finished = true;
      readingSince = NONE;
      watch.cancel(false);
    }

    private IOException failed(IOException e) {
      String message;
      synchronized (this) {
        readingSince = NONE;
        if (tripped != null) {
          return new NetworkReadException(tripped, e);
        }
        if (closed) {
          return new IOException(what + ": reading " + display(from) + ": the stream is closed", e);
        }
        finish();
        message = truncated(e);
      }
      closeQuietly();
      return new NetworkReadException(message, e);
    }

    /** Holds the lock. */
    private String truncated(@Nullable IOException e) {
      String reason = e == null ? "" : Transport.rootMessage(e);
      boolean bare = reason.isEmpty() || reason.equals("closed");
      if (contentLength >= 0) {
        return what + ": reading " + display(from) + ": the connection ended after " + total + " of the " + contentLength
            + " bytes its Content-Length announces (" + (contentLength - total) + " missing" + (bare ? "" : "; " + reason) + ")";
      }
      return what + ": reading " + display(from) + ": the connection broke after " + total + " bytes" + (bare ? "" : " (" + reason + ")");
    }

    private void closeQuietly() {
      try {
        raw.close();
      } catch (IOException ignored) {
        // the stream is being abandoned: its own close error adds nothing
      }
    }
  }

  /** {@code 2 s}, {@code 500 ms}, {@code 1 h}: how messages show a deadline. */
  static String show(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + " h";
    }
    return s % 60 == 0 ? s / 60 + " min" : s + " s";
  }
}
