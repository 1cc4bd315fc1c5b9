package dev.portcullis.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * At most {@code attempts} failed logins per {@code window} from one address (a success is
 * {@linkplain #forgive forgiven}, so many people behind one proxy can still log in), counted in memory over the last
 * window (a sliding log of the last {@code attempts} times per address). At most {@code maxAddresses}
 * addresses are remembered; beyond that the least recently seen is forgotten, so memory stays bounded
 * whatever the number of addresses an attacker uses. Thread-safe.
 */
final class AddressThrottle {
  private final Clock clock;
  private final int attempts;
  private final long windowMillis;
  private final Map<String, long[]> recent;

  AddressThrottle(Clock clock, int attempts, Duration window, int maxAddresses) {
    this.clock = clock;
    this.attempts = attempts;
    this.windowMillis = window.toMillis();
    this.recent = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /**
   * Counts an attempt from {@code address} and returns empty, or returns when the next attempt
   * will be allowed (a refused attempt is not counted).
   */
  synchronized OptionalLong acquire(String address) {
    long now = clock.millis();
    // a ring of the last `attempts` attempt times; slot 0 of the array holds the next index to overwrite
    long[] ring = recent.computeIfAbsent(address, a -> new long[attempts + 1]);
    int next = (int) ring[0];
    long oldest = ring[1 + next];
    if (oldest != 0 && now - oldest < windowMillis) {
      return OptionalLong.of(oldest + windowMillis);
    }
    ring[1 + next] = Math.max(now, 1);
    ring[0] = (next + 1) % attempts;
    return OptionalLong.empty();
  }

  /** Takes back the last attempt counted for {@code address}: a login that succeeded spends none of the address's budget. */
  synchronized void forgive(String address) {
    long[] ring = recent.get(address);
    if (ring != null) {
      int last = (int) ((ring[0] + attempts - 1) % attempts);
      ring[1 + last] = 0;
      ring[0] = last;
    }
  }

  /** How many addresses are remembered. */
  synchronized int size() {
    return recent.size();
  }
}
