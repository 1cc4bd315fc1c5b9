package dev.portcullis.sign.bundle;

import dev.portcullis.core.Digest;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.HexFormat;

/**
 * Checks a signature against a SHA-256 digest when the artifact itself is not at hand: ECDSA signs
 * the digest as it is, RSA PKCS#1 v1.5 signs the digest inside a DigestInfo (RFC 8017 §9.2).
 * Pure Ed25519 signs the artifact, so it cannot be checked this way.
 */
final class DigestSignatures {
  /** DER of DigestInfo's AlgorithmIdentifier for SHA-256 and the OCTET STRING header of the 32-byte digest. */
  private static final byte[] SHA256_DIGEST_INFO_PREFIX = HexFormat.of().parseHex("3031300d060960864801650304020105000420");

  private DigestSignatures() {}

  static boolean canVerify(PublicKey key) {
    return key.getAlgorithm().equals("EC") || key.getAlgorithm().equals("RSA");
  }

  static boolean verify(PublicKey key, Digest sha256, byte[] signature) {
    byte[] digest = HexFormat.of().parseHex(sha256.hex());
    try {
      Signature s;
      if (key.getAlgorithm().equals("EC")) {
        s = Signature.getInstance("NONEwithECDSA");
        s.initVerify(key);
        s.update(digest);
      } else if (key.getAlgorithm().equals("RSA")) {
        s = Signature.getInstance("NONEwithRSA");
        s.initVerify(key);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(SHA256_DIGEST_INFO_PREFIX);
        info.writeBytes(digest);
        s.update(info.toByteArray());
      } else {
        throw new IllegalArgumentException(key.getAlgorithm() + " signatures cannot be checked against a digest");
      }
      return s.verify(signature);
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot check " + key.getAlgorithm() + " signatures over a digest", e);
    }
  }
}
