package dev.portcullis.admission.hook;

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
import dev.portcullis.sign.Evidence.Attestation;
import dev.portcullis.sign.Evidence.Signature;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Facts read from the image's own registry, with no server: the cosign signatures and the verdict
 * attestations stored beside the image ({@code .sig}, {@code .att}), each verified against the trusted
 * keys. A signature counts for each trusted key that verifies it; a verdict attestation (predicate
 * {@value PredicateTypes#VERDICT}) for each key, with its {@code stage}, {@code decision}, {@code score}
 * and {@code time}. There is no standing: only a server knows quarantines. The whole read must end
 * before the deadline, else it fails as a source that cannot be reached.
 */
public final class RegistryEvidence implements Evidence {
  private final RegistryOptions options;
  private final List<PublicKey> keys;
  private final Clock clock;

  public RegistryEvidence(RegistryOptions options, List<PublicKey> keys, Clock clock) {
    this.options = options;
    this.keys = List.copyOf(keys);
    this.clock = clock;
  }

  @Override
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    ImageRef pinned = image.withDigest(digest);
    Listing listing = withDeadline("read the signatures of " + pinned, deadline, client -> new CosignVerifier(new CosignStore(client), clock)
        .list(pinned, keys));
    TreeSet<String> signatureKeys = new TreeSet<>();
    List<VerdictEvidence> verdicts = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Listing.Entry e : listing.entries()) {
      switch (e.check()) {
        case Listing.LayerCheck.Refused r -> refused.add(r.reason().name().toLowerCase(java.util.Locale.ROOT));
        case Listing.LayerCheck.Accepted a -> {
          switch (a.evidence()) {
            case Signature s -> signatureKeys.addAll(s.keyIds());
            case Attestation att -> {
              if (!att.statement().predicateType().equals(PredicateTypes.VERDICT) || att.time().isEmpty()) {
                continue;
              }
              JsonNode p = att.statement().predicate();
              if (!p.path("stage").isTextual() || !p.path("decision").isTextual() || !p.path("score").isInt()) {
                continue;
              }
              for (String keyId : att.keyIds()) {
                verdicts.add(new VerdictEvidence(p.get("stage").asText(), p.get("decision").asText(), p.get("score").asInt(), att.time().get(), keyId));
              }
            }
          }
        }
      }
    }
    String summary = "read from " + image.registry() + ": " + signatureKeys.size() + " trusted signing key" + (signatureKeys.size() == 1 ? "" : "s")
        + ", " + verdicts.size() + " verified verdict" + (verdicts.size() == 1 ? "" : "s")
        + (refused.isEmpty() ? "" : ", " + refused.size() + " not verified (" + String.join(", ", new TreeSet<>(refused)) + ")")
        + (listing.unreadable().isEmpty() ? "" : ", unreadable: " + String.join("; ", listing.unreadable()));
    return Optional.of(new ImageFacts(digest, Optional.empty(), summary, List.copyOf(signatureKeys), verdicts, clock.instant()));
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    if (image.digest() != null) {
      return Optional.of(image.digest());
    }
    return Optional.of(withDeadline("resolve " + image, deadline, client -> client.manifest(image, 4 << 20).digest()));
  }

  private interface Read<T> {
    T read(RegistryClient client) throws IOException;
  }

  private <T> T withDeadline(String what, Instant deadline, Read<T> read) throws IOException {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new IOException(what + ": no time left before the decision's deadline");
    }
    RegistryOptions bounded = options.withDeadlines(TransferDeadlines.DEFAULT.withOverall(left).withStall(left));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "portcullis-hook-registry");
      t.setDaemon(true);
      return t;
    });
    try (RegistryClient client = RegistryClient.create(bounded, ProgressListener.NONE)) {
      Future<T> done = executor.submit(() -> read.read(client));
      try {
        return done.get(left.toMillis() + 1, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        done.cancel(true);
        throw new IOException(what + ": no answer within " + left.toMillis() + " ms", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(what + ": interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw new IOException(what + ": " + io.getMessage(), io);
        }
        if (cause instanceof RuntimeException re) {
          throw new IOException(what + ": " + re, re);
        }
        throw new IOException(what + ": " + cause, cause);
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
