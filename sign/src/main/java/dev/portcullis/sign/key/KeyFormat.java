package dev.portcullis.sign.key;

/**
 * How a private key is encrypted on disk. Both are read whatever is chosen for writing.
 *
 * <p>{@link #DEFAULT} is {@link #COSIGN}: a key Portcullis generates then works unchanged with
 * {@code cosign sign --key}, which the issue asks of every format Portcullis speaks, and cosign
 * reads no other encrypted form. Its cipher is also authenticated (Poly1305), so a wrong
 * passphrase is always detected, where PKCS#8's AES-CBC detects one only by chance of bad padding
 * or bad DER. {@link #PKCS8} is there for tools that know only the standard: {@code openssl pkey},
 * Java's {@code EncryptedPrivateKeyInfo}, Python's {@code cryptography}.
 */
public enum KeyFormat {
  /**
   * cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY}: a PEM block whose body is JSON naming scrypt
   * ({@code N=32768, r=8, p=1}, 32-byte salt) and NaCl secretbox (XSalsa20-Poly1305, 24-byte nonce)
   * over the PKCS#8 DER key. These scrypt parameters are the ones every cosign release reads;
   * stronger ones are refused by older releases.
   */
  COSIGN,
  /**
   * Standard {@code ENCRYPTED PRIVATE KEY} (RFC 5958, PKCS#5 v2.1 PBES2): PBKDF2 with HMAC-SHA256,
   * 600,000 iterations (OWASP's 2023 figure for that PRF) and a 16-byte salt, then AES-256-CBC.
   */
  PKCS8;

  public static final KeyFormat DEFAULT = COSIGN;
}
