package dev.portcullis.sign.key;

import java.io.IOException;

/**
 * A private key could not be read or written. The message is one line: what was being done, on
 * which file, and why. It never contains the passphrase or key material; values quoted from a file
 * (a label, an algorithm name) are shortened and stripped of control characters.
 */
public final class KeyFileException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 80;

  /** Why, as a value a caller can act on without reading the message. */
  public enum Problem {
    /** The file could not be opened or read. */
    UNREADABLE,
    /** The file is larger than any key file ({@link PrivateKeys#MAX_KEY_FILE_BYTES}). */
    TOO_LARGE,
    /** No PEM block holding a private key: a public key, a certificate or no PEM at all. */
    NOT_A_PRIVATE_KEY,
    /** The file ends early: a PEM block without its END line, or encoded data cut short. */
    TRUNCATED,
    /** The content is not what its label says: bad base64, JSON or DER, fields of the wrong size. */
    MALFORMED,
    /** A well-formed key in a form Portcullis does not handle: another KDF, cipher, curve or algorithm. */
    UNSUPPORTED,
    /** Key-derivation parameters beyond the bounds that keep a hostile file from demanding memory or time. */
    UNSAFE_PARAMETERS,
    /**
     * Decryption failed its integrity check. With authenticated encryption a wrong passphrase and an
     * altered ciphertext are the same event, so this is the reason for both.
     */
    WRONG_PASSPHRASE
  }

  private final Problem problem;

  KeyFileException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  KeyFileException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  /** {@code text} fit to quote in a one-line message: control characters escaped, at most 80 characters. */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length() && sb.length() < MAX_QUOTED; i++) {
      char c = text.charAt(i);
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return "'" + (sb.length() < text.length() ? sb + "..." : sb.toString()) + "'";
  }
}
