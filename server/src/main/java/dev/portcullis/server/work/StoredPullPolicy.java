package dev.portcullis.server.work;

import dev.portcullis.core.Digest;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.server.gate.Admission;
import dev.portcullis.server.gate.PullPolicy;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pull gate's decisions from the stored image states of one registry: a digest with no
 * decision yet (unknown, pending, scanning) is held when the repository blocks unscanned images, a
 * quarantined one when it blocks failed images; passed, warned and released images pass, and so do
 * an image's signatures and attestations.
 */
public final class StoredPullPolicy implements PullPolicy {
  private final Store store;
  private final ServerConfig.Registry registry;
  private final ServerConfig.Gate gate;

  public StoredPullPolicy(Store store, ServerConfig.Registry registry, ServerConfig.Gate gate) {
    this.store = store;
    this.registry = registry;
    this.gate = gate;
  }

  /** The blocks of the first repository rule whose glob matches, else the gate's own. */
  List<ServerConfig.Block> blocks(String repository) {
    for (ServerConfig.RepositoryRule rule : gate.repositories()) {
      if (glob(rule.pattern()).matcher(repository).matches()) {
        return rule.block();
      }
    }
    return gate.block();
  }

  static Pattern glob(String glob) {
    return dev.portcullis.server.config.RepositoryGlob.compile(glob);
  }

  @Override
  public Admission admit(String repository, String reference, Digest digest) {
    if (Intake.isAttachmentTag(reference)) {
      return new Admission.Pass();
    }
    List<ServerConfig.Block> blocks = blocks(repository);
    Optional<ImageStates.Image> image;
    try {
      image = store.images().judged(registry.name(), digest.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (image.isEmpty() || !image.get().state().decided()) {
      return blocks.contains(ServerConfig.Block.UNSCANNED)
          ? new Admission.Deny("not scanned yet: " + digest + " is " + image.map(i -> i.state().label()).orElse("unknown to Portcullis")
              + " (this repository blocks unscanned images)")
          : new Admission.Pass();
    }
    return switch (image.get().state()) {
      case QUARANTINED -> blocks.contains(ServerConfig.Block.FAILED) ? new Admission.Deny("quarantined: " + image.get().summary())
          : new Admission.Pass();
      default -> new Admission.Pass();
    };
  }
}
