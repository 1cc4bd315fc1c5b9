package dev.portcullis.server.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, so that leases and backoff expire without waiting. */
public final class MutableClock extends Clock {
  private final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-06T10:00:00Z").toEpochMilli());

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /** The day it is (UTC). */
  public java.time.LocalDate today() {
    return java.time.LocalDate.ofInstant(instant(), ZoneOffset.UTC);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
