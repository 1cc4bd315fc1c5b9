package dev.portcullis.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How a secret may appear in a finding, an output or a log: never whole. {@link #redact} keeps the
 * first 4 characters of a value of 16 characters or more (none of a shorter one) and adds a
 * fingerprint, the first 12 hex digits of its SHA-256, which identifies it across scans and in
 * allowlists without revealing it.
 */
public final class Redaction {
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(passw(or)?d|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth[_-]?key|client[_-]?secret).*");
  private static final Pattern NOT_A_SECRET = Pattern.compile(
      "(?i).*([_.-](file|path|dir|url|uri|host|endpoint|length|ttl|name|user(name)?|id|type|enabled|expiry|timeout|header))$");
  private static final Pattern PLACEHOLDER = Pattern.compile("(?i)\\$\\{?[A-Za-z_].*|<.*>|changeme|xxx+|\\*+|none|null|false|true|example|dummy|test|\\{\\{.*\\}\\}");

  private Redaction() {}

  /** {@code AKIA…[fp:3b5d…]}: the first 4 characters (for values of 16 or more) and the fingerprint. */
  public static String redact(String secret) {
    String prefix = secret.length() >= 16 ? secret.substring(0, 4) : "";
    return prefix + "…[fp:" + fingerprint(secret) + "]";
  }

  /** The first 12 hex digits of the SHA-256 of the value. */
  public static String fingerprint(String secret) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** Whether a variable, label or key of this name holds a credential ({@code DB_PASSWORD}, not {@code DB_PASSWORD_FILE}). */
  public static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches() && !NOT_A_SECRET.matcher(name).matches();
  }

  /** Whether a value is a real value rather than empty, a reference to another variable or an obvious placeholder. */
  public static boolean isLiteralValue(String value) {
    String v = value.strip();
    return !v.isEmpty() && !PLACEHOLDER.matcher(v).matches();
  }
}
