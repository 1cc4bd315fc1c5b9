package dev.portcullis.admission.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Evidence} read from the image's registry on every call: the cosign signatures and verdict
 * attestations stored beside it, each checked against the trusted keys. No standing: a registry
 * knows nothing of quarantine. Every call ends by its deadline, with an {@link IOException} when the
 * registry did not answer in time.
 */
public final class RegistryEvidence implements Evidence {
  private final RegistryOptions options;
  private final List<PublicKey> keys;
  private final Clock clock;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

  public RegistryEvidence(RegistryOptions options, List<PublicKey> keys, Clock clock) {
    this.options = options;
    this.keys = List.copyOf(keys);
    this.clock = clock;
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    ImageRef pinned = image.withDigest(digest);
    return Optional.of(within(deadline, "read the signatures and attestations of " + pinned, () -> {
      try (RegistryClient client = RegistryClient.create(options, ProgressListener.NONE)) {
        Listing listing = new CosignVerifier(new CosignStore(client), clock).list(pinned, keys);
        return facts(listing, digest, Instant.now(clock));
      }
    }));
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    if (image.digestIfAny().isPresent()) {
      return image.digestIfAny();
    }
    return within(deadline, "resolve " + image, () -> {
      try (RegistryClient client = RegistryClient.create(options, ProgressListener.NONE)) {
        return client.findManifest(image, 4L << 20).map(RegistryClient.ManifestBytes::digest);
      }
    });
  }

  /**
   * The facts a listing proves: the trusted keys that signed the image, and its verdict
   * attestations (stage, decision, score, time) with the keys that signed each.
   */
  public static ImageFacts facts(Listing listing, Digest digest, Instant fetchedAt) {
    TreeSet<String> signatureKeys = new TreeSet<>();
    List<VerdictEvidence> verdicts = new ArrayList<>();
    for (Listing.Entry e : listing.entries()) {
      if (!(e.check() instanceof Listing.LayerCheck.Accepted accepted)) {
        continue;
      }
      switch (accepted.evidence()) {
        case dev.portcullis.sign.Evidence.Signature s -> signatureKeys.addAll(s.keyIds());
        case dev.portcullis.sign.Evidence.Attestation a -> {
          if (!a.statement().predicateType().equals(PredicateTypes.VERDICT)) {
            continue;
          }
          JsonNode p = a.statement().predicate();
          Optional<Instant> time = a.time();
          if (!p.path("stage").isTextual() || !p.path("decision").isTextual() || !p.path("score").canConvertToInt() || time.isEmpty()) {
            continue;
          }
          for (String keyId : a.keyIds()) {
            verdicts.add(new VerdictEvidence(p.get("stage").asText(), p.get("decision").asText(), p.get("score").asInt(), time.get(), keyId));
          }
        }
      }
    }
    verdicts.sort(java.util.Comparator.comparing(VerdictEvidence::issuedAt).thenComparing(VerdictEvidence::stage)
        .thenComparing(VerdictEvidence::keyId));
    return new ImageFacts(digest, Optional.empty(), "", List.copyOf(signatureKeys), verdicts, fetchedAt);
  }

  private <T> T within(Instant deadline, String what, Callable<T> call) throws IOException {
    Duration left = Duration.between(Instant.now(clock), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new IOException(what + ": no time left before the deadline");
    }
    Future<T> f = calls.submit(call);
    try {
      return f.get(left.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException(what + ": no answer within " + left.toMillis() + " ms");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(what + ": " + io.getMessage(), io);
      }
      throw new IOException(what + ": " + cause, cause);
    }
  }
}
