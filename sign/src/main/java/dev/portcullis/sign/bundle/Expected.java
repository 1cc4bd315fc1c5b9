package dev.portcullis.sign.bundle;

import dev.portcullis.core.Digest;
import dev.portcullis.sign.dsse.DsseEnvelope;

/** What a bundle must be about for {@link SigstoreBundle#verify} to accept it. */
public sealed interface Expected {
  /** A signature over exactly these bytes (a cosign simple-signing payload, a file). */
  record Artifact(byte[] bytes) implements Expected {
    public Artifact {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * A signature over the artifact with this SHA-256 digest, when only the digest is at hand. An
   * Ed25519 signature covers the artifact itself, so it cannot be checked this way.
   */
  record ArtifactDigest(Digest digest) implements Expected {
    public ArtifactDigest {
      if (!digest.algorithm().equals("sha256")) {
        throw new IllegalArgumentException("a bundle's message digest is SHA-256, not " + digest.algorithm());
      }
    }
  }

  /** A DSSE envelope of this payload type (any payload). */
  record Envelope(String payloadType) implements Expected {}

  /** A DSSE envelope holding an in-toto statement with {@code subject} among its subjects. */
  record StatementAbout(Digest subject) implements Expected {}

  static Expected artifact(byte[] bytes) {
    return new Artifact(bytes);
  }

  static Expected artifactDigest(Digest digest) {
    return new ArtifactDigest(digest);
  }

  static Expected envelope(String payloadType) {
    return new Envelope(payloadType);
  }

  /** An in-toto statement ({@value DsseEnvelope#IN_TOTO}) about the artifact with this digest. */
  static Expected statementAbout(Digest subject) {
    return new StatementAbout(subject);
  }
}
