package dev.portcullis.oci;

import java.time.Duration;

/**
 * How long one network request may wait on the server before it fails: the deadlines of every read
 * from a registry or a mirror (the JDK's HTTP client has no read timeout of its own).
 *
 * <p>Both deadlines count the time spent waiting on the server: connecting, waiting for the
 * response headers, retries, and reads of the body that block. A consumer that is slow to read a
 * body is not held against the server.
 *
 * @param overall the network timeout: the most one request may wait in all, redirects and retries
 *     included, from sending it to the last byte of its answer
 * @param stall the stall timeout: a request fails when a window of this length passes (response
 *     headers not yet arrived, or reads of the body blocked) with fewer than {@code minBytes} received
 * @param minBytes the least the server must send in each stall window; a body that ends is never late
 */
public record TransferDeadlines(Duration overall, Duration stall, long minBytes) {
  /** Defaults: 1 hour per request, at least 1 KiB every 60 seconds. */
  public static final TransferDeadlines DEFAULT = new TransferDeadlines(Duration.ofHours(1), Duration.ofSeconds(60), 1024);

  public TransferDeadlines {
    if (overall.isNegative() || overall.isZero() || stall.isNegative() || stall.isZero()) {
      throw new IllegalArgumentException("network deadlines must be positive (network timeout " + overall + ", stall timeout " + stall + ")");
    }
    if (minBytes < 1) {
      throw new IllegalArgumentException("the least bytes per stall window must be at least 1, not " + minBytes);
    }
  }

  public TransferDeadlines withOverall(Duration d) {
    return new TransferDeadlines(d, stall, minBytes);
  }

  public TransferDeadlines withStall(Duration d) {
    return new TransferDeadlines(overall, d, minBytes);
  }
}
