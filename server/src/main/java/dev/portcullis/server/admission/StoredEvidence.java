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
    String name = registry.get().name();
    Optional<ImageStates.Image> state = store.images().get(name, digest.toString());
    Optional<AdmissionFacts.Stored> stored = store.admission().get(name, digest.toString());
    if (state.isEmpty() && stored.isEmpty()) {
      return Optional.empty();
    }
    Optional<Standing> standing = state.map(s -> standing(s.state()));
    String summary = state.map(ImageStates.Image::summary).orElse("");
    if (stored.isEmpty()) {
      return Optional.of(new ImageFacts(digest, standing, summary, List.of(), List.of(), Instant.ofEpochMilli(state.get().updatedAt())));
    }
    ImageFacts read = FactsJson.read(stored.get().facts());
    return Optional.of(new ImageFacts(digest, standing.isPresent() ? standing : Optional.of(Standing.UNDECIDED), summary,
        read.signatureKeys(), read.verdicts(), read.fetchedAt()));
  }

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
