package dev.portcullis.admission.hook;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Facts from a source (a server, a registry) that falls back on the approval cache: what the source
 * answers is cached; when it cannot answer, facts cached for the digest are used if they are fresh,
 * and otherwise the source's failure stands (fail closed). One instance serves one decision: {@link
 * #notes()} says what it did, for the decision log.
 */
public final class CachedEvidence implements Evidence {
  private final Evidence source;
  private final ApprovalCache cache;
  private final Clock clock;
  private final List<String> notes = new ArrayList<>();

  public CachedEvidence(Evidence source, ApprovalCache cache, Clock clock) {
    this.source = source;
    this.cache = cache;
    this.clock = clock;
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    Optional<ImageFacts> facts;
    try {
      facts = source.facts(image, digest, deadline);
    } catch (IOException e) {
      Optional<ImageFacts> cached = cache.fresh(digest, clock.instant());
      if (cached.isEmpty()) {
        throw new IOException(e.getMessage() + "; the approval cache holds no fresh facts for " + digest, e);
      }
      notes.add("facts from the approval cache (fetched " + cached.get().fetchedAt() + "): " + e.getMessage());
      return cached;
    }
    if (facts.isPresent()) {
      try {
        cache.put(facts.get());
      } catch (IOException e) {
        notes.add("approval cache not updated: " + e.getMessage());
      }
    }
    return facts;
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    return source.resolve(image, deadline);
  }

  /** What happened beside the source's answers: facts taken from the cache, a cache that could not be written. */
  public List<String> notes() {
    return List.copyOf(notes);
  }
}
