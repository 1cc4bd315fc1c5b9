package dev.portcullis.sign.key;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/** The one way Portcullis names a public key: {@code sha256:} + hex SHA-256 of its DER SubjectPublicKeyInfo. */
public final class KeyIds {
  private KeyIds() {}

  public static String of(PublicKey key) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
