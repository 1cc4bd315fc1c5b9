package dev.portcullis.sign.key;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * A {@link Signer} over a private key in this process's memory: EC P-256 (ECDSA with SHA-256,
 * DER), RSA of 2048 bits or more (PKCS#1 v1.5 with SHA-256) or Ed25519 (pure). Its public key is
 * computed from the private key, so the two always match. {@link #toString} names the key ID only.
 */
public final class LocalSigner implements Signer {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String algorithm;

  private LocalSigner(PrivateKey privateKey) {
    this.privateKey = privateKey;
    this.publicKey = KeyMaterial.publicKeyOf(privateKey);
    this.algorithm = PublicKeys.signatureAlgorithm(publicKey);
  }

  /** A signer over {@code key}; {@link IllegalArgumentException} if it is not one Portcullis signs with. */
  public static LocalSigner of(PrivateKey key) {
    return new LocalSigner(key);
  }

  /** A signer over the key in {@code file} (see {@link PrivateKeys#read} for the formats). */
  public static LocalSigner read(Path file, Passphrase passphrase) throws KeyFileException {
    return new LocalSigner(PrivateKeys.read(file, passphrase));
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) throws IOException {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IOException("sign with " + keyId() + " (" + algorithm + "): " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "LocalSigner[" + KeyIds.of(publicKey) + "]";
  }
}
