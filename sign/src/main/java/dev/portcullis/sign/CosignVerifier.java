package dev.portcullis.sign;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.Listing.LayerCheck;
import dev.portcullis.sign.Verification.Reason;
import dev.portcullis.sign.cosign.Attachment;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.cosign.SignatureManifest;
import dev.portcullis.sign.cosign.SimpleSigningPayload;
import dev.portcullis.sign.dsse.DsseEnvelope;
import dev.portcullis.sign.dsse.FormatException;
import dev.portcullis.sign.dsse.Statement;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Verifies the signatures and attestations cosign (or {@link ImageSigner}) stored beside an image.
 *
 * <p>Each stored layer is checked in this order, and the first check it fails gives its {@link
 * Reason}: its media type and size; its bytes against its descriptor ({@code PAYLOAD_CHANGED}); that
 * it reads as a simple-signing payload, or a DSSE envelope of an in-toto statement ({@code
 * MALFORMED}); for attestations, that the statement is of the predicate type asked (others are not
 * considered at all); a trusted key's signature over the payload, or over the envelope's
 * pre-authentication encoding ({@code UNKNOWN_KEY}); that the signed payload names the image's digest
 * ({@code DIGEST_MISMATCH}, {@code OTHER_IMAGE}) or that the statement's subjects include it ({@code
 * SUBJECT_MISMATCH}); and, when a maximum age is asked, the predicate's time ({@code UNDATED}, {@code
 * STALE}) against the clock. The repository a payload names is only used to tell a stale signature of
 * this repository from one copied from another image: signatures follow images between registries.
 */
public final class CosignVerifier implements SignatureVerifier {
  /** How far in the future an attestation's time may be, for clocks that disagree. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final CosignStore store;
  private final Clock clock;

  public CosignVerifier(CosignStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Verification verify(ImageRef image, Requirement requirement) throws IOException {
    ImageRef pinned = store.resolve(image);
    Attachment kind = switch (requirement) {
      case Requirement.Signed s -> Attachment.SIGNATURES;
      case Requirement.Attested a -> Attachment.ATTESTATIONS;
    };
    Optional<CosignStore.Stored> stored;
    try {
      stored = store.read(pinned, kind);
    } catch (FormatException e) {
      return new Verification.Rejected(pinned, Reason.MALFORMED, e.getMessage());
    }
    if (stored.isEmpty() || stored.get().manifest().layers().isEmpty()) {
      ImageRef tag = kind.in(pinned, digestOf(pinned));
      return new Verification.Rejected(pinned, Reason.NO_SIGNATURES, "no " + kind.noun() + "s stored for " + pinned
          + (stored.isEmpty() ? " (no " + tag + ")" : " (" + tag + " has no layers)"));
    }
    Checker checker = new Checker(pinned, stored.get().tag(), requirement.keys());
    List<Evidence> accepted = new ArrayList<>();
    LayerCheck.Refused closest = null;
    TreeSet<String> otherTypes = new TreeSet<>();
    for (Descriptor layer : stored.get().manifest().layers()) {
      Optional<LayerCheck> check = switch (requirement) {
        case Requirement.Signed s -> Optional.of(checker.signature(layer));
        case Requirement.Attested a -> checker.attestation(layer, Optional.of(a.predicateType()), a.maxAge(), otherTypes);
      };
      if (check.isEmpty()) {
        continue;
      }
      switch (check.get()) {
        case LayerCheck.Accepted ok -> accepted.add(ok.evidence());
        case LayerCheck.Refused no -> {
          if (closest == null || no.reason().compareTo(closest.reason()) > 0) {
            closest = no;
          }
        }
      }
    }
    if (!accepted.isEmpty()) {
      TreeSet<String> keyIds = new TreeSet<>();
      accepted.forEach(e -> keyIds.addAll(e.keyIds()));
      return new Verification.Verified(pinned, List.copyOf(keyIds), accepted);
    }
    if (closest != null) {
      return new Verification.Rejected(pinned, closest.reason(), closest.message());
    }
    Requirement.Attested attested = (Requirement.Attested) requirement;
    return new Verification.Rejected(pinned, Reason.NO_SIGNATURES, "no attestation of type " + attested.predicateType() + " stored for " + pinned
        + " (" + stored.get().manifest().layers().size() + " of other types: " + String.join(", ", otherTypes) + ")");
  }

  /**
   * Every signature and attestation stored for {@code image}, each checked against {@code keys} (any
   * predicate type, no age limit); with no keys, every well-formed one is refused as {@code UNKNOWN_KEY}.
   */
  public Listing list(ImageRef image, List<PublicKey> keys) throws IOException {
    ImageRef pinned = store.resolve(image);
    List<Listing.Entry> entries = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Attachment kind : Attachment.values()) {
      Optional<CosignStore.Stored> stored;
      try {
        stored = store.read(pinned, kind);
      } catch (FormatException e) {
        unreadable.add(e.getMessage());
        continue;
      }
      if (stored.isEmpty()) {
        continue;
      }
      Checker checker = new Checker(pinned, stored.get().tag(), keys);
      for (Descriptor layer : stored.get().manifest().layers()) {
        LayerCheck check = switch (kind) {
          case SIGNATURES -> checker.signature(layer);
          case ATTESTATIONS -> checker.attestation(layer, Optional.empty(), Optional.empty(), new TreeSet<>()).orElseThrow();
        };
        entries.add(new Listing.Entry(kind, layer, check));
      }
    }
    return new Listing(pinned, entries, unreadable);
  }

  /** The checks of one manifest's layers against one image and one set of keys. */
  private final class Checker {
    private final ImageRef image;
    private final Digest digest;
    private final ImageRef tag;
    private final List<PublicKey> keys;

    Checker(ImageRef image, ImageRef tag, List<PublicKey> keys) {
      this.image = image;
      this.digest = digestOf(image);
      this.tag = tag;
      this.keys = List.copyOf(keys);
    }

    LayerCheck signature(Descriptor layer) throws IOException {
      String what = "signature " + layer.digest() + " in " + tag;
      if (!layer.mediaType().equals(SimpleSigningPayload.MEDIA_TYPE)) {
        return refused(Reason.MALFORMED, what + ": media type " + layer.mediaType() + ", not " + SimpleSigningPayload.MEDIA_TYPE);
      }
      String b64 = layer.annotations().get(SignatureManifest.SIGNATURE_ANNOTATION);
      if (b64 == null || b64.isEmpty()) {
        return refused(Reason.MALFORMED, what + ": no " + SignatureManifest.SIGNATURE_ANNOTATION + " annotation");
      }
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        return refused(Reason.MALFORMED, what + ": the " + SignatureManifest.SIGNATURE_ANNOTATION + " annotation is not base64");
      }
      byte[] bytes;
      switch (store.payload(tag, layer)) {
        case CosignStore.Payload.Intact intact -> bytes = intact.bytes();
        case CosignStore.Payload.Changed changed -> {
          return refused(Reason.PAYLOAD_CHANGED, what + ": the payload was changed: " + changed.message());
        }
        case CosignStore.Payload.TooLarge large -> {
          return refused(Reason.MALFORMED, what + ": " + large.message());
        }
      }
      SimpleSigningPayload payload;
      try {
        payload = SimpleSigningPayload.parse(bytes);
      } catch (FormatException e) {
        return refused(Reason.MALFORMED, what + ": " + e.getMessage());
      }
      List<String> signers = signers(key -> PublicKeys.verify(key, bytes, signature));
      if (signers.isEmpty()) {
        return refused(Reason.UNKNOWN_KEY, what + ": " + noTrustedKey());
      }
      if (!payload.manifestDigest().equals(digest)) {
        return sameRepository(payload.dockerReference())
            ? refused(Reason.DIGEST_MISMATCH, what + ": digest mismatch: signed by " + signers.get(0) + " for " + payload.manifestDigest()
                + " of this repository, not for " + digest)
            : refused(Reason.OTHER_IMAGE, what + ": digest mismatch: signed by " + signers.get(0) + " for another image, "
                + payload.dockerReference() + "@" + payload.manifestDigest());
      }
      return new LayerCheck.Accepted(new Evidence.Signature(layer, signers, payload));
    }

    /** Empty when {@code predicateType} is given and the statement is of another type (recorded in {@code otherTypes}). */
    Optional<LayerCheck> attestation(Descriptor layer, Optional<String> predicateType, Optional<Duration> maxAge, TreeSet<String> otherTypes)
        throws IOException {
      String what = "attestation " + layer.digest() + " in " + tag;
      if (!layer.mediaType().equals(SignatureManifest.DSSE_MEDIA_TYPE)) {
        return Optional.of(refused(Reason.MALFORMED, what + ": media type " + layer.mediaType() + ", not " + SignatureManifest.DSSE_MEDIA_TYPE));
      }
      byte[] bytes;
      switch (store.payload(tag, layer)) {
        case CosignStore.Payload.Intact intact -> bytes = intact.bytes();
        case CosignStore.Payload.Changed changed -> {
          return Optional.of(refused(Reason.PAYLOAD_CHANGED, what + ": the envelope was changed: " + changed.message()));
        }
        case CosignStore.Payload.TooLarge large -> {
          return Optional.of(refused(Reason.MALFORMED, what + ": " + large.message()));
        }
      }
      DsseEnvelope envelope;
      Statement statement;
      try {
        envelope = DsseEnvelope.parse(bytes);
        if (!envelope.payloadType().equals(DsseEnvelope.IN_TOTO)) {
          return Optional.of(refused(Reason.MALFORMED, what + ": the envelope's payload type is " + envelope.payloadType() + ", not " + DsseEnvelope.IN_TOTO));
        }
        statement = Statement.parse(envelope.payload());
      } catch (FormatException e) {
        return Optional.of(refused(Reason.MALFORMED, what + ": " + e.getMessage()));
      }
      if (predicateType.isPresent() && !predicateType.get().equals(statement.predicateType())) {
        otherTypes.add(statement.predicateType());
        return Optional.empty();
      }
      List<String> signers = signers(envelope::signedBy);
      if (signers.isEmpty()) {
        return Optional.of(refused(Reason.UNKNOWN_KEY, what + ": " + noTrustedKey()));
      }
      if (!statement.covers(digest)) {
        return Optional.of(refused(Reason.SUBJECT_MISMATCH, what + ": signed by " + signers.get(0) + " about "
            + String.join(", ", statement.subjects().stream().map(s -> s.name() + "@" + s.digest()).toList()) + ", not " + digest));
      }
      Optional<Instant> time = PredicateTypes.time(statement.predicateType(), statement.predicate());
      if (maxAge.isPresent()) {
        Instant now = clock.instant();
        if (time.isEmpty()) {
          return Optional.of(refused(Reason.UNDATED, what + ": its " + statement.predicateType() + " predicate gives no time (RFC 3339), so its age is unknown"));
        }
        if (time.get().isAfter(now.plus(CLOCK_SKEW))) {
          return Optional.of(refused(Reason.UNDATED, what + ": made at " + time.get() + ", later than now (" + now + ")"));
        }
        Duration age = Duration.between(time.get(), now);
        if (age.compareTo(maxAge.get()) > 0) {
          return Optional.of(refused(Reason.STALE, what + ": made at " + time.get() + ", " + age + " ago, more than the " + maxAge.get() + " allowed"));
        }
      }
      return Optional.of(new LayerCheck.Accepted(new Evidence.Attestation(layer, signers, statement, time)));
    }

    private List<String> signers(Predicate<PublicKey> verifies) {
      TreeSet<String> ids = new TreeSet<>();
      for (PublicKey key : keys) {
        if (verifies.test(key)) {
          ids.add(KeyIds.of(key));
        }
      }
      return List.copyOf(ids);
    }

    private String noTrustedKey() {
      return keys.isEmpty() ? "no trusted key was given" : "signed by none of the " + keys.size() + " trusted key" + (keys.size() == 1 ? "" : "s");
    }

    private boolean sameRepository(String dockerReference) {
      try {
        ImageRef named = ImageRef.parse(dockerReference);
        return named.registry().equals(image.registry()) && named.repository().equals(image.repository());
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  private static LayerCheck refused(Reason reason, String message) {
    return new LayerCheck.Refused(reason, message);
  }

  private static Digest digestOf(ImageRef pinned) {
    return Objects.requireNonNull(pinned.digest(), "a resolved image has a digest");
  }
}
