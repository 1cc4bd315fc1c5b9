package dev.portcullis.sign.key;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's {@code crypto_secretbox} (XSalsa20 and Poly1305), in the layout of Go's
 * {@code x/crypto/nacl/secretbox} and libsodium's "easy" API: the 16-byte tag, then the ciphertext.
 * The first 32 bytes of the XSalsa20 keystream are the one-time Poly1305 key; the message is
 * encrypted with the keystream that follows.
 */
final class SecretBox {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  static final int TAG_BYTES = 16;
  private static final int POLY_KEY_BYTES = 32;

  private SecretBox() {}

  static byte[] seal(byte[] message, byte[] nonce, byte[] key) {
    XSalsa20Engine stream = stream(nonce, key);
    byte[] polyKey = keystream(stream, POLY_KEY_BYTES);
    byte[] box = new byte[TAG_BYTES + message.length];
    stream.processBytes(message, 0, message.length, box, TAG_BYTES);
    byte[] tag = tag(polyKey, box, TAG_BYTES, message.length);
    System.arraycopy(tag, 0, box, 0, TAG_BYTES);
    Arrays.fill(polyKey, (byte) 0);
    return box;
  }

  /** The message, or empty if the tag does not match (wrong key, or an altered box); {@code box} holds at least a tag. */
  static Optional<byte[]> open(byte[] box, byte[] nonce, byte[] key) {
    if (box.length < TAG_BYTES) {
      throw new IllegalArgumentException("a secretbox is at least " + TAG_BYTES + " bytes");
    }
    XSalsa20Engine stream = stream(nonce, key);
    byte[] polyKey = keystream(stream, POLY_KEY_BYTES);
    byte[] expected = tag(polyKey, box, TAG_BYTES, box.length - TAG_BYTES);
    Arrays.fill(polyKey, (byte) 0);
    if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_BYTES))) {
      return Optional.empty();
    }
    byte[] message = new byte[box.length - TAG_BYTES];
    stream.processBytes(box, TAG_BYTES, message.length, message, 0);
    return Optional.of(message);
  }

  private static XSalsa20Engine stream(byte[] nonce, byte[] key) {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("secretbox takes a " + KEY_BYTES + "-byte key and a " + NONCE_BYTES + "-byte nonce");
    }
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return stream;
  }

  private static byte[] keystream(XSalsa20Engine stream, int length) {
    byte[] out = new byte[length];
    stream.processBytes(new byte[length], 0, length, out, 0);
    return out;
  }

  private static byte[] tag(byte[] polyKey, byte[] data, int offset, int length) {
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(polyKey));
    mac.update(data, offset, length);
    byte[] tag = new byte[TAG_BYTES];
    mac.doFinal(tag, 0);
    return tag;
  }
}
