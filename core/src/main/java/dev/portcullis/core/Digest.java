package dev.portcullis.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec writes it: {@code algorithm:hex}. Only {@code sha256} and
 * {@code sha512} are accepted, with lower-case hex of the right length.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  public Digest {
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
        };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid " + algorithm + " digest '" + hex + "': expected " + expected + " lower-case hex digits");
    }
  }

  /** Parses {@code sha256:<64 hex>}; throws {@link IllegalArgumentException} naming the bad text. */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("invalid digest '" + text + "': expected algorithm:hex");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  public static Digest sha256(byte[] content) {
    return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(content)));
  }

  /** A fresh SHA-256 {@link MessageDigest}; every JDK has one. */
  public static MessageDigest newSha256() {
    return newMessageDigest("sha256");
  }

  /** A fresh {@link MessageDigest} for this digest's algorithm, to verify content against it. */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT).replace("SHA", "SHA-"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /** The digest of what {@code md} has seen, in {@code md}'s algorithm ({@code sha256} or {@code sha512}). */
  public static Digest of(MessageDigest md) {
    String algorithm = md.getAlgorithm().toLowerCase(Locale.ROOT).replace("-", "");
    return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
  }

  /** The {@code sha256-<hex>} form used in tag names and file names. */
  public String dashed() {
    return algorithm + "-" + hex;
  }

  /** The first 12 hex digits, as short IDs are shown. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
