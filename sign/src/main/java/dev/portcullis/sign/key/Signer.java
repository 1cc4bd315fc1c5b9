package dev.portcullis.sign.key;

import java.io.IOException;
import java.security.PublicKey;

/**
 * Something that signs bytes with a private key it may never show: a key file in memory, or a KMS
 * (Vault Transit) that keeps the key to itself.
 *
 * <p>The signature is over SHA-256 of {@code message}, in the encoding {@code openssl dgst -sha256
 * -verify} accepts with {@link #publicKey()}: ASN.1 DER for ECDSA, PKCS#1 v1.5 for RSA; Ed25519 signs
 * the message itself (pure EdDSA).
 */
public interface Signer {
  /** The public half, which verifiers are given. */
  PublicKey publicKey();

  /** {@code sha256:} and the hex SHA-256 of the public key's DER SubjectPublicKeyInfo. */
  default String keyId() {
    return KeyIds.of(publicKey());
  }

  byte[] sign(byte[] message) throws IOException;
}
