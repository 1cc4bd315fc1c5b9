package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * scrypt (RFC 7914) with bounded cost. scrypt holds {@code 128·N·r} bytes and works in proportion
 * to {@code N·r·p}; a key file chooses these numbers, so they are checked before any work: at most
 * {@code N·r·p = 2^20}, which is cosign's strongest setting ({@code N=2^17, r=8, p=1}: 128 MiB,
 * about a second).
 */
record Scrypt(long n, long r, long p) {
  /** What cosign has always written, and what every cosign release reads. */
  static final Scrypt COSIGN = new Scrypt(32768, 8, 1);
  static final long MAX_WORK = 1L << 20;

  /** Refuses parameters that are not scrypt's, or cost more than {@link #MAX_WORK}. */
  void check(String doing) throws KeyFileException {
    // RFC 7914 §2: N a power of two above 1 and below 2^(128·r/8); r and p positive
    if (n < 2 || Long.bitCount(n) != 1 || r < 1 || p < 1 || (r < 8 && n >= 1L << (16 * r))) {
      throw new KeyFileException(Problem.MALFORMED, doing + ": scrypt parameters N=" + n + " r=" + r + " p=" + p
          + " are invalid (N a power of two above 1 and below 2^(16·r), r and p at least 1)");
    }
    if (n > MAX_WORK || r > MAX_WORK || p > MAX_WORK || n * r * p > MAX_WORK) {
      throw new KeyFileException(Problem.UNSAFE_PARAMETERS, doing + ": scrypt parameters N=" + n + " r=" + r + " p=" + p
          + " would cost more than N·r·p = 2^20 (128 MiB); refused so that a key file cannot exhaust memory or time");
    }
  }

  /** The derived key; {@link #check} must have passed. */
  byte[] derive(byte[] passphrase, byte[] salt, int length) {
    return SCrypt.generate(passphrase, salt, (int) n, (int) r, (int) p, length);
  }
}
