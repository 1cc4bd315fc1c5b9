package dev.portcullis.admission;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Facts a source answered kept in memory for a short while ({@code reuse}), so that the daemon
 * decides a burst of starts of the same image without asking the registry or the server each time.
 * A fact older than {@code reuse} is asked for again; news (a quarantine) reaches the hook at most
 * that late. Failures are never kept. At most {@code maxEntries} digests, the oldest dropped first.
 * Thread-safe.
 */
public final class RecentFacts implements Evidence {
  private final Evidence source;
  private final Duration reuse;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  private record Kept(ImageFacts facts, Instant at) {}

  public RecentFacts(Evidence source, Duration reuse, int maxEntries, Clock clock) {
    if (reuse.isNegative() || reuse.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("facts are reused for a positive time, at least one digest");
    }
    this.source = source;
    this.reuse = reuse;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    String key = image.registry() + "/" + image.repository() + "@" + digest;
    Instant now = clock.instant();
    Kept k = kept.get(key);
    if (k != null && !k.at().isAfter(now) && Duration.between(k.at(), now).compareTo(reuse) <= 0) {
      return Optional.of(k.facts());
    }
    Optional<ImageFacts> facts = source.facts(image, digest, deadline);
    if (facts.isPresent()) {
      if (kept.size() >= maxEntries) {
        evictOldest();
      }
      kept.put(key, new Kept(facts.get(), now));
    }
    return facts;
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    return source.resolve(image, deadline);
  }

  private void evictOldest() {
    Iterator<Map.Entry<String, Kept>> it = kept.entrySet().iterator();
    Map.Entry<String, Kept> oldest = null;
    while (it.hasNext()) {
      Map.Entry<String, Kept> e = it.next();
      if (oldest == null || e.getValue().at().isBefore(oldest.getValue().at())) {
        oldest = e;
      }
    }
    if (oldest != null) {
      kept.remove(oldest.getKey(), oldest.getValue());
    }
  }
}
