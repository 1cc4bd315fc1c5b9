package dev.portcullis.sign.key;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Public keys as PEM ({@code -----BEGIN PUBLIC KEY-----}, DER SubjectPublicKeyInfo, what cosign and
 * {@code openssl pkey -pubout} write), and the one signature check every verifier uses: ECDSA and RSA
 * (PKCS#1 v1.5) over SHA-256, Ed25519 over the message.
 */
public final class PublicKeys {
  private static final Pattern PEM = Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");
  private static final List<String> ALGORITHMS = List.of("EC", "RSA", "Ed25519");
  private static final long MAX_FILE_BYTES = 64 << 10;

  private PublicKeys() {}

  /** The first public key in {@code pem}; {@link IllegalArgumentException} says why there is none. */
  public static PublicKey readPem(String pem) {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("no PEM block 'PUBLIC KEY' found");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PUBLIC KEY block is not base64: " + e.getMessage(), e);
    }
    return fromDer(der);
  }

  /**
   * The public key in a PEM file; an {@link IOException} saying {@code read public key FILE: why}
   * when it is missing, larger than 64 KiB, or holds none.
   */
  public static PublicKey read(Path file) throws IOException {
    String what = "read public key " + file;
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + ": no such file");
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException(what + ": larger than 64 KiB");
    }
    try {
      return readPem(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException | MalformedInputException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }

  /** A DER SubjectPublicKeyInfo of an EC, RSA or Ed25519 key. */
  public static PublicKey fromDer(byte[] der) {
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException("not an EC, RSA or Ed25519 public key");
  }

  public static String toPem(PublicKey key) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }

  /** The JCA algorithm that checks {@code key}'s signatures as {@link Signer} makes them. */
  public static String signatureAlgorithm(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    };
  }

  /** Whether {@code signature} is {@code key}'s over {@code message}; a malformed signature is a "no". */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(signatureAlgorithm(key));
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot check " + key.getAlgorithm() + " signatures", e);
    }
  }
}
