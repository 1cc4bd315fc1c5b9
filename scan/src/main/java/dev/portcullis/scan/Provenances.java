package dev.portcullis.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.policy.score.Provenance;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.Evidence;
import dev.portcullis.sign.Listing;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.testresult.Outcome;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** What an image's signatures and attestations say about it, as the score and the policies read it. */
public final class Provenances {
  private Provenances() {}

  /**
   * The signatures and attestations stored beside {@code image} (pinned to the digest scanned), each
   * checked against {@code keys}: one entry per key that verifies it, one unverified entry otherwise. A
   * verdict attestation also gives its stage, score and time; a test result its result and time.
   */
  public static Provenance of(RegistryClient client, ImageRef image, List<PublicKey> keys, ProgressListener listener) throws IOException {
    List<Provenance.Signature> signatures = new ArrayList<>();
    List<Provenance.Attestation> attestations = new ArrayList<>();
    Listing listing = new CosignVerifier(new CosignStore(client), Clock.systemUTC()).list(image, keys);
    for (Listing.Entry e : listing.entries()) {
      String type = e.layer().annotations().getOrDefault(SignatureManifest.PREDICATE_TYPE_ANNOTATION, "");
      switch (e.check()) {
        case Listing.LayerCheck.Refused r -> {
          if (e.kind() == Attachment.SIGNATURES) {
            signatures.add(new Provenance.Signature("", false));
          } else {
            attestations.add(new Provenance.Attestation(type, "", false));
          }
        }
        case Listing.LayerCheck.Accepted a -> {
          for (String keyId : a.evidence().keyIds()) {
            switch (a.evidence()) {
              case Evidence.Signature sig -> signatures.add(new Provenance.Signature(keyId, true));
              case Evidence.Attestation att -> {
                JsonNode p = att.statement().predicate();
                boolean verdict = att.statement().predicateType().equals(PredicateTypes.VERDICT);
                boolean testResult = att.statement().predicateType().equals(PredicateTypes.TEST_RESULT);
                attestations.add(new Provenance.Attestation(att.statement().predicateType(), keyId, true, att.time().orElse(null),
                    verdict && p.path("stage").isTextual() ? p.get("stage").asText() : null,
                    verdict && p.path("score").isInt() ? p.get("score").asInt() : null,
                    testResult ? Outcome.of(p).map(Enum::name).orElse(null) : null));
              }
            }
          }
        }
      }
    }
    listing.unreadable().forEach(u -> listener.warn("signatures of " + image + ": " + u));
    return new Provenance(signatures, attestations);
  }

}
