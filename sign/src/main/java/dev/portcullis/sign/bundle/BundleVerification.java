package dev.portcullis.sign.bundle;

/**
 * The answer of {@link SigstoreBundle#verify}: the bundle holds a valid signature by the given key
 * over what was expected, or it does not, and why.
 */
public sealed interface BundleVerification {
  /** {@code keyId} ({@code sha256:...} of the key) signed {@code bundle}'s content. */
  record Verified(String keyId, SigstoreBundle bundle) implements BundleVerification {}

  /** Not verified; {@code detail} is one line saying what was wrong. */
  record Rejected(Reason reason, String detail) implements BundleVerification {}

  /** One reason per defect, so that callers and tests tell them apart without reading messages. */
  enum Reason {
    /** Not JSON, or a field missing or of the wrong type, or bad base64. */
    MALFORMED,
    /** A media type other than a v0.3 Sigstore bundle's. */
    UNKNOWN_MEDIA_TYPE,
    /** Well-formed but not checkable here: certificate (keyless) material, another hash algorithm. */
    UNSUPPORTED,
    /** A message signature where an envelope was expected, or the other way round. */
    WRONG_CONTENT,
    /** The bundle's message digest is not the expected artifact's. */
    DIGEST_MISMATCH,
    /** The envelope's payload type is not the expected one. */
    PAYLOAD_TYPE_MISMATCH,
    /** The envelope's in-toto statement is about other artefacts than the expected one. */
    SUBJECT_MISMATCH,
    /** The bundle names another key than the one given. */
    KEY_MISMATCH,
    /** The signature is not the given key's over the content. */
    BAD_SIGNATURE,
    /** The DSSE envelope lacks its payload, payload type or signature. */
    TRUNCATED_ENVELOPE
  }
}
