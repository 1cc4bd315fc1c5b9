package dev.portcullis.server.admission;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.remote.FactsJson;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.store.AdmissionFacts;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link Evidence} from the server's database only, never a registry: the image's state in the
 * configured registry its reference names, the signatures and verdicts read when it was scanned
 * (or an attachment was pushed), and the digest its tag was last seen at. An image in a registry
 * the server does not watch is unknown.
 */
public final class StoredEvidence implements Evidence {
  private final Store store;
  private final List<ServerConfig.Registry> registries;
  /** How many digests' readings are kept; the map is emptied when it would hold more. */
  private static final int KEPT_ENTRIES = 4096;

  public StoredEvidence(Store store, List<ServerConfig.Registry> registries) {
    this.store = store;
    this.registries = List.copyOf(registries);
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    Optional<ServerConfig.Registry> registry = registryOf(image);
    if (registry.isEmpty()) {
      return Optional.empty();
    }
    String key = registry.get().name() + "/" + digest;
    long version = store.admissionVersion();
    long now = System.nanoTime();
    Known known = recent.get(key);
    if (known != null && known.version() == version && now - known.readAt() < REUSE_NANOS) {
      return known.facts();
    }
    Optional<ImageFacts> facts = read(registry.get().name(), digest);
    if (recent.size() >= KEPT_ENTRIES) {
      recent.clear();
    }
    recent.put(key, new Known(version, now, facts));
    return facts;
  }

  /**
   * What was read of a digest, under the store's admission version it was read at: reused while no
   * write of this process changed what admission reads, and for at most {@link #REUSE_NANOS} (what
   * another process sharing the database changed is seen that late).
   */
  private record Known(long version, long readAt, Optional<ImageFacts> facts) {}

  /** How long a reading is reused at most: the staleness a change made by another server process can have. */
  static final long REUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  private final java.util.Map<String, Known> recent = new java.util.concurrent.ConcurrentHashMap<>();

  private Optional<ImageFacts> read(String name, Digest digest) throws IOException {
    Read read = store.transaction(c -> new Read(store.images().get(c, name, digest.toString()), store.admission().get(c, name, digest.toString())));
    Optional<ImageStates.Image> state = read.state();
    Optional<AdmissionFacts.Stored> stored = read.stored();
    if (state.isEmpty() && stored.isEmpty()) {
      return Optional.empty();
    }
    Optional<Standing> standing = state.map(s -> standing(s.state()));
    String summary = state.map(ImageStates.Image::summary).orElse("");
    if (stored.isEmpty()) {
      return Optional.of(new ImageFacts(digest, standing, summary, List.of(), List.of(), Instant.ofEpochMilli(state.get().updatedAt())));
    }
    ImageFacts facts = FactsJson.read(stored.get().facts());
    return Optional.of(new ImageFacts(digest, standing.isPresent() ? standing : Optional.of(Standing.UNDECIDED), summary,
        facts.signatureKeys(), facts.verdicts(), facts.fetchedAt()));
  }

  private record Read(Optional<ImageStates.Image> state, Optional<AdmissionFacts.Stored> stored) {}

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    if (image.digestIfAny().isPresent()) {
      return image.digestIfAny();
    }
    Optional<ServerConfig.Registry> registry = registryOf(image);
    if (registry.isEmpty() || image.tagIfAny().isEmpty()) {
      return Optional.empty();
    }
    return store.admission().tag(registry.get().name(), image.repository(), image.tagIfAny().get()).map(Digest::parse);
  }

  /** The configured registry an image reference points into. */
  public Optional<ServerConfig.Registry> registryOf(ImageRef image) {
    return registries.stream().filter(r -> r.authority().equals(image.registry())).findFirst();
  }

  static Standing standing(ImageState state) {
    return switch (state) {
      case PENDING, SCANNING -> Standing.UNDECIDED;
      case PASSED -> Standing.PASSED;
      case WARNED -> Standing.WARNED;
      case QUARANTINED -> Standing.QUARANTINED;
      case RELEASED -> Standing.RELEASED;
    };
  }
}
