package dev.portcullis.server.audit;

import java.time.Instant;

/**
 * A signed chain head: the server's key vouches that record {@code seq} had hash {@code hash}, so
 * cutting records off the tail, or rewriting the chain up to {@code seq}, is detected.
 *
 * <p>The signature is {@link dev.portcullis.sign.key.Signer}'s (ECDSA or RSA over SHA-256, or
 * Ed25519) over the UTF-8 bytes of {@link #payload()}:
 * {@code {"hash":"<hex>","seq":N,"type":"portcullis-audit-checkpoint/v1"}} (keys sorted, no white
 * space; the type keeps the signature from meaning anything else). {@code openssl dgst -sha256
 * -verify KEY.pub -signature SIG PAYLOAD} checks an ECDSA or RSA one.
 *
 * @param keyId {@code sha256:} and the hex SHA-256 of the signing public key's DER
 * @param signature the signature, standard base64
 * @param time when it was signed (not signed itself)
 */
public record Checkpoint(long seq, String hash, String keyId, String signature, Instant time) {
  public Checkpoint {
    if (seq < 1) {
      throw new IllegalArgumentException("audit checkpoint: seq " + seq + " is not 1 or more");
    }
    if (!Canonical.isHash(hash)) {
      throw new IllegalArgumentException("audit checkpoint " + seq + ": hash must be 64 lower-case hex digits");
    }
    time = Instant.ofEpochMilli(time.toEpochMilli());
  }

  /** The bytes signed. */
  public byte[] payload() {
    return Canonical.checkpointPayload(seq, hash);
  }
}
