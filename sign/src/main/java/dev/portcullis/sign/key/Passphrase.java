package dev.portcullis.sign.key;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The passphrase that encrypts a private key. It owns its characters: {@link #of} takes a copy and
 * zeroes the caller's array, {@link #close} zeroes the copy, and nothing (not {@link #toString},
 * not an exception message) ever shows them. Use it in try-with-resources.
 *
 * <p>The bytes a key derivation sees are the passphrase in UTF-8, as cosign and OpenSSL take a
 * passphrase typed or set in the environment.
 */
public final class Passphrase implements AutoCloseable {
  private final char[] chars;
  private boolean closed;

  private Passphrase(char[] chars) {
    this.chars = chars;
  }

  /** Takes {@code chars}: they are copied, and the given array is zeroed before this returns. */
  public static Passphrase of(char[] chars) {
    Passphrase p = new Passphrase(chars.clone());
    Arrays.fill(chars, '\0');
    return p;
  }

  /** The empty passphrase, which cosign accepts (an unset {@code COSIGN_PASSWORD}). */
  public static Passphrase empty() {
    return new Passphrase(new char[0]);
  }

  /**
   * The passphrase in UTF-8, in a new array that the caller must zero when done. Fails if this
   * passphrase was closed or is not valid UTF-16 (an unpaired surrogate).
   */
  byte[] utf8() {
    if (closed) {
      throw new IllegalStateException("the passphrase was closed (its characters are wiped)");
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer encoded;
    try {
      encoded = encoder.encode(CharBuffer.wrap(chars));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the passphrase is not valid Unicode text (an unpaired surrogate)");
    }
    byte[] out = new byte[encoded.remaining()];
    encoded.get(out);
    if (encoded.hasArray()) {
      Arrays.fill(encoded.array(), (byte) 0);
    }
    return out;
  }

  /** Zeroes the characters; the passphrase cannot be used afterwards. */
  @Override
  public void close() {
    Arrays.fill(chars, '\0');
    closed = true;
  }

  @Override
  public String toString() {
    return "Passphrase(hidden)";
  }
}
