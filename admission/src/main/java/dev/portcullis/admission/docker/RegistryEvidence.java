package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.TransferDeadlines;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Image facts read from the image's own registry, with no Portcullis server: the cosign signatures
 * and the verdict attestations stored beside it that verify with one of the trusted keys. A verdict
 * counts only when its predicate names a stage, a decision, a score and a time. Nothing is cached:
 * each call reads the registry, within its deadline.
 */
final class RegistryEvidence implements Evidence {
  private final RegistryOptions options;
  private final List<PublicKey> keys;
  private final Clock clock;

  RegistryEvidence(RegistryOptions options, List<PublicKey> keys, Clock clock) {
    this.options = options;
    this.keys = List.copyOf(keys);
    this.clock = clock;
  }

  /** Empty when nothing at all is stored beside the image; else what verified (which may be nothing). */
  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    Listing listing;
    try (RegistryClient client = client(deadline)) {
      listing = new CosignVerifier(new CosignStore(client), clock).list(image.withDigest(digest), keys);
    }
    if (listing.entries().isEmpty() && listing.unreadable().isEmpty()) {
      return Optional.empty();
    }
    TreeSet<String> signers = new TreeSet<>();
    List<VerdictEvidence> verdicts = new ArrayList<>();
    for (Listing.Entry entry : listing.entries()) {
      if (!(entry.check() instanceof Listing.LayerCheck.Accepted accepted)) {
        continue;
      }
      switch (accepted.evidence()) {
        case dev.portcullis.sign.Evidence.Signature s -> signers.addAll(s.keyIds());
        case dev.portcullis.sign.Evidence.Attestation a -> {
          if (a.statement().predicateType().equals(PredicateTypes.VERDICT) && a.time().isPresent()) {
            verdict(a.statement().predicate(), a.time().get(), a.keyIds()).forEach(verdicts::add);
          }
        }
      }
    }
    String summary = listing.entries().size() + " signature(s) and attestation(s) stored in the registry"
        + (listing.unreadable().isEmpty() ? "" : "; unreadable: " + String.join("; ", listing.unreadable()));
    return Optional.of(new ImageFacts(digest, Optional.empty(), summary, List.copyOf(signers), verdicts, clock.instant()));
  }

  private static List<VerdictEvidence> verdict(JsonNode predicate, Instant time, List<String> keyIds) {
    JsonNode stage = predicate.path("stage");
    JsonNode decision = predicate.path("decision");
    JsonNode score = predicate.path("score");
    if (!stage.isTextual() || !decision.isTextual() || !score.isInt()) {
      return List.of();
    }
    return keyIds.stream().map(k -> new VerdictEvidence(stage.asText(), decision.asText(), score.asInt(), time, k)).toList();
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    try (RegistryClient client = client(deadline)) {
      return client.findManifest(image, 4 * 1024 * 1024).map(RegistryClient.ManifestBytes::digest);
    }
  }

  private RegistryClient client(Instant deadline) throws IOException {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new SocketTimeoutException("the deadline passed before the registry was asked");
    }
    TransferDeadlines d = options.deadlines().withOverall(left).withStall(left);
    return RegistryClient.create(new RegistryOptions(options.insecure(), options.caFile(), options.credentials(), options.dockerConfig(), 1, d),
        ProgressListener.NONE);
  }
}
