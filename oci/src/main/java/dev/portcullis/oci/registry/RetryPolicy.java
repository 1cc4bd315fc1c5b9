package dev.portcullis.oci.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to try a request again: on 429, on 5xx and on connection failures, at most {@code
 * maxAttempts} times in all, waiting {@code initialDelay} doubled after each attempt up to {@code
 * maxDelay}, or what the server's {@code Retry-After} asks when it asks for no more than {@code
 * maxRetryAfter}.
 */
record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {
  static final Duration INITIAL_DELAY = Duration.ofMillis(200);
  static final Duration MAX_DELAY = Duration.ofSeconds(10);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry delays must be positive and maxDelay at least initialDelay");
    }
  }

  static RetryPolicy of(int maxAttempts) {
    return new RetryPolicy(maxAttempts, INITIAL_DELAY, MAX_DELAY, MAX_RETRY_AFTER);
  }

  /** Whether a response with this status is worth another attempt. */
  static boolean retryable(int status) {
    return status == 429 || status >= 500 && status <= 599;
  }

  /** The wait after failed attempt {@code attempt} (1 for the first): {@code initialDelay * 2^(attempt-1)}, capped. */
  Duration backoff(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    Duration d = initialDelay.multipliedBy(1L << shift);
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }

  /**
   * The wait before the next attempt, or empty when the server asks for a longer wait than we
   * accept (a rate limit that resets in an hour is reported, not waited out).
   */
  Optional<Duration> delay(int attempt, Optional<Duration> retryAfter) {
    if (retryAfter.isEmpty()) {
      return Optional.of(backoff(attempt));
    }
    return retryAfter.get().compareTo(maxRetryAfter) > 0 ? Optional.empty() : retryAfter;
  }

  /**
   * A {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), as a wait from
   * {@code now}; a date in the past is no wait. Empty when the value is neither.
   */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // absurd values saturate rather than overflow
      return Optional.of(v.length() > 9 ? Duration.ofSeconds(999_999_999L) : Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** How the client waits between attempts; tests record the waits instead of sleeping. */
  @FunctionalInterface
  interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
  }
}
