package dev.portcullis.rules.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Credentials in their real formats with seeded random bodies, made at run time so that the
 * repository itself holds no string a secret scanner would flag. None of them was ever issued.
 */
final class FakeSecrets {
  static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  static final String DIGITS = "0123456789";
  static final String ALNUM = UPPER + LOWER + DIGITS;
  static final String HEX = "0123456789abcdef";
  static final String B64 = ALNUM + "+/";
  static final String URLSAFE = ALNUM + "-_";

  private FakeSecrets() {}

  /** {@code n} characters of {@code alphabet}, the same for the same seed. */
  static String random(String alphabet, int n, long seed) {
    Random r = new Random(seed * 31 + n);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static String random(String alphabet, int n) {
    return random(alphabet, n, 42);
  }

  static String base64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A PEM block of {@code label} around random base64 lines of 64 characters. */
  static String pem(String label, String body) {
    StringBuilder sb = new StringBuilder("-----BEGIN " + label + "-----\n");
    for (int i = 0; i < body.length(); i += 64) {
      sb.append(body, i, Math.min(body.length(), i + 64)).append('\n');
    }
    return sb.append("-----END ").append(label).append("-----\n").toString();
  }

  static String rsaKey() {
    return pem("RSA " + "PRIVATE KEY", random(B64, 640, 7));
  }

  /** An OpenSSH key body whose cipher is {@code cipher} ("none" when it is not encrypted). */
  static String openSshKey(String cipher) {
    byte[] magic = ("openssh-key-v1" + "\0").getBytes(StandardCharsets.US_ASCII);
    byte[] name = cipher.getBytes(StandardCharsets.US_ASCII);
    byte[] rest = random(ALNUM, 300, 9).getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[magic.length + 4 + name.length + rest.length];
    System.arraycopy(magic, 0, all, 0, magic.length);
    all[magic.length + 3] = (byte) name.length;
    System.arraycopy(name, 0, all, magic.length + 4, name.length);
    System.arraycopy(rest, 0, all, magic.length + 4 + name.length, rest.length);
    return pem("OPENSSH " + "PRIVATE KEY", base64(all));
  }
}
