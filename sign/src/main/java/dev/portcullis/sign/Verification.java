package dev.portcullis.sign;

import dev.portcullis.core.ImageRef;
import java.util.List;
import java.util.TreeSet;

/** The answer of a {@link SignatureVerifier}: the requirement is met, or it is not and why. */
public sealed interface Verification {
  /** The image as verified: pinned to the digest its reference resolved to. */
  ImageRef image();

  /**
   * At least one stored signature or attestation meets the requirement. {@code keyIds} are the
   * trusted keys that signed one (sorted); {@code evidence} lists each that passed, in stored order.
   */
  record Verified(ImageRef image, List<String> keyIds, List<Evidence> evidence) implements Verification {
    public Verified {
      if (evidence.isEmpty()) {
        throw new IllegalArgumentException("a verified image has evidence");
      }
      evidence = List.copyOf(evidence);
      TreeSet<String> all = new TreeSet<>();
      evidence.forEach(e -> all.addAll(e.keyIds()));
      if (!all.equals(new TreeSet<>(keyIds))) {
        throw new IllegalArgumentException("the key IDs " + keyIds + " are not those of the evidence " + all);
      }
      keyIds = List.copyOf(all);
    }

    /** Whether the key {@code keyId} ({@link KeyIds}) signed some of the evidence. */
    public boolean signedBy(String keyId) {
      return keyIds.contains(keyId);
    }
  }

  /**
   * Nothing stored meets the requirement. {@code reason} is that of the signature or attestation that
   * came closest to meeting it (the one that passed the most checks; the first stored of those);
   * {@code message} is one line that says which, and why.
   */
  record Rejected(ImageRef image, Reason reason, String message) implements Verification {}

  /**
   * Why an image was rejected. Declared in the order the checks get to them, so that a later constant
   * means a signature that passed more checks.
   */
  enum Reason {
    /** No signature is stored for the image, or no attestation of the predicate type asked for. */
    NO_SIGNATURES,
    /** A payload is not the one its layer names (other bytes, or another size): it was changed after it was stored. */
    PAYLOAD_CHANGED,
    /** A manifest, payload, envelope or statement cannot be read (truncated, not JSON, a field missing), or is beyond the limits read. */
    MALFORMED,
    /** Well-formed, but no trusted key's signature verifies: signed by an unknown key, or the signature or payload was altered. */
    UNKNOWN_KEY,
    /** Signed by a trusted key, for another digest of the same repository (a signature of an earlier push, say). */
    DIGEST_MISMATCH,
    /** Signed by a trusted key, for an image of another repository: a signature copied over from another image. */
    OTHER_IMAGE,
    /** An attestation signed by a trusted key whose statement's subjects do not include the image's digest. */
    SUBJECT_MISMATCH,
    /** A maximum age was asked, and the attestation's predicate gives no time, an unreadable one, or one in the future. */
    UNDATED,
    /** The attestation is older than the maximum age asked. */
    STALE
  }
}
