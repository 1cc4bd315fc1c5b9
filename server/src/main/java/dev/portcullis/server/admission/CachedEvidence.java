package dev.portcullis.server.admission;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Evidence} that reuses what another one found for {@code ttl}: the facts of a digest (per
 * repository, where its signatures live) and the digest a tag points at. At most {@code maxEntries}
 * of each are kept, the least recently used dropped first. Only answers are kept: "nothing known"
 * and failures are asked again next time, so a newly pushed image is never refused from the cache;
 * a signature or verdict added later is seen once the entry is older than {@code ttl}. A miss asks
 * the wrapped evidence within the caller's deadline. Thread-safe.
 */
public final class CachedEvidence implements Evidence {
  private final Evidence source;
  private final Duration ttl;
  private final Clock clock;
  private final Lru<String, ImageFacts> facts;
  private final Lru<String, Digest> tags;

  public CachedEvidence(Evidence source, Duration ttl, int maxEntries, Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the cache's time to live must be positive, not " + ttl);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("the cache must hold at least one entry, not " + maxEntries);
    }
    this.source = Objects.requireNonNull(source, "source");
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.facts = new Lru<>(maxEntries);
    this.tags = new Lru<>(maxEntries);
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    String key = image.registry() + "/" + image.repository() + "@" + digest;
    Optional<ImageFacts> cached = facts.get(key, clock.instant());
    if (cached.isPresent()) {
      return cached;
    }
    Optional<ImageFacts> read = source.facts(image, digest, deadline);
    read.ifPresent(f -> facts.put(key, f, clock.instant().plus(ttl)));
    return read;
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    if (image.digestIfAny().isPresent()) {
      return image.digestIfAny();
    }
    String key = image.toString();
    Optional<Digest> cached = tags.get(key, clock.instant());
    if (cached.isPresent()) {
      return cached;
    }
    Optional<Digest> read = source.resolve(image, deadline);
    read.ifPresent(d -> tags.put(key, d, clock.instant().plus(ttl)));
    return read;
  }

  /** How many answers are held (facts and tags), expired ones included until they are dropped. */
  public int size() {
    return facts.size() + tags.size();
  }

  private static final class Lru<K, V> {
    private record Held<V>(V value, Instant expires) {}

    private final LinkedHashMap<K, Held<V>> map;

    Lru(int max) {
      this.map = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, Held<V>> eldest) {
          return size() > max;
        }
      };
    }

    synchronized Optional<V> get(K key, Instant now) {
      Held<V> e = map.get(key);
      if (e == null) {
        return Optional.empty();
      }
      if (!now.isBefore(e.expires())) {
        map.remove(key);
        return Optional.empty();
      }
      return Optional.of(e.value());
    }

    synchronized void put(K key, V value, Instant expires) {
      map.put(key, new Held<>(value, expires));
    }

    synchronized int size() {
      return map.size();
    }
  }
}
