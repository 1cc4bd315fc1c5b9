package dev.portcullis.sign.key;

import dev.portcullis.sign.key.KeyFileException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Generating, writing and reading private keys.
 *
 * <p>Read: cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} and its older label {@code ENCRYPTED
 * COSIGN PRIVATE KEY}; encrypted PKCS#8 {@code ENCRYPTED PRIVATE KEY} (PBES2 with PBKDF2 or
 * scrypt, AES-CBC); and, unencrypted, PKCS#8 {@code PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY} and
 * PKCS#1 {@code RSA PRIVATE KEY}. The key is EC P-256, RSA of 2048 bits or more, or Ed25519. Other
 * PEM blocks before the key (OpenSSL's {@code EC PARAMETERS}) are skipped. A file over
 * {@value #MAX_KEY_FILE_BYTES} bytes is refused unread.
 *
 * <p>Every failure is a {@link KeyFileException} with a {@link KeyFileException.Problem} and a
 * one-line message that names the file; none shows the passphrase or key bytes. Decrypted key
 * bytes are zeroed once the JDK key is made.
 */
public final class PrivateKeys {
  /** No key file is larger: an RSA-8192 PKCS#8 key in PEM is about 6.5 KiB. */
  public static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  private static final Set<String> ENCRYPTED = Set.of(CosignKeys.LABEL, CosignKeys.LEGACY_LABEL, Pbes2.LABEL);
  private static final List<String> PRIVATE_LABELS =
      List.of(CosignKeys.LABEL, CosignKeys.LEGACY_LABEL, Pbes2.LABEL, "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private PrivateKeys() {}

  /** A new ECDSA key pair on NIST P-256 (secp256r1), what {@code cosign generate-key-pair} makes. */
  public static KeyPair generateP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
    }
  }

  /**
   * {@code key} as a PEM block encrypted under {@code passphrase} in {@code format}. The passphrase
   * stays open (the caller closes it). {@link IllegalArgumentException} if the key is not one
   * Portcullis signs with.
   */
  public static String toEncryptedPem(PrivateKey key, Passphrase passphrase, KeyFormat format) {
    KeyMaterial.checkSupported(key);
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null) {
      throw new IllegalArgumentException("the " + key.getAlgorithm() + " private key cannot be exported (it lives in a token or KMS)");
    }
    try {
      SecureRandom random = new SecureRandom();
      return switch (format) {
        case COSIGN -> CosignKeys.encrypt(pkcs8, passphrase, random);
        case PKCS8 -> Pbes2.encrypt(pkcs8, passphrase, random);
      };
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** The public half of {@code key}, computed from it; {@link IllegalArgumentException} if it is not one Portcullis signs with. */
  public static PublicKey publicKeyOf(PrivateKey key) {
    return KeyMaterial.publicKeyOf(key);
  }

  /**
   * Writes {@code pair} as cosign does: the private key encrypted in {@code format} to
   * {@code privateKeyFile}, created new with owner-only permissions where the file system has
   * them, and the public key as PEM to {@code publicKeyFile}. Neither file may exist. Returns the
   * key ID ({@link KeyIds#of}).
   */
  public static String writeKeyPair(KeyPair pair, Passphrase passphrase, KeyFormat format, Path privateKeyFile, Path publicKeyFile) throws IOException {
    for (Path p : List.of(privateKeyFile, publicKeyFile)) {
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(p.toString(), null, "a file exists there; refusing to overwrite it with a new key");
      }
    }
    String pem = toEncryptedPem(pair.getPrivate(), passphrase, format);
    writeNew(privateKeyFile, pem, true);
    writeNew(publicKeyFile, PublicKeys.toPem(pair.getPublic()), false);
    return KeyIds.of(pair.getPublic());
  }

  private static void writeNew(Path file, String text, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      boolean posix = dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
      try (SeekableByteChannel out = posix && secret
          ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
          : Files.newByteChannel(file, options)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      throw new IOException("write " + (secret ? "private" : "public") + " key " + file + ": " + e.getMessage(), e);
    }
  }

  /** The private key in {@code file}; see the class comment for the formats. */
  public static PrivateKey read(Path file, Passphrase passphrase) throws KeyFileException {
    String doing = "read private key " + file;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new KeyFileException(Problem.UNREADABLE, doing + ": no such file", e);
    } catch (IOException e) {
      throw new KeyFileException(Problem.UNREADABLE, doing + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_KEY_FILE_BYTES) {
      throw new KeyFileException(Problem.TOO_LARGE, doing + ": larger than " + MAX_KEY_FILE_BYTES + " bytes, which no key file is");
    }
    try {
      return fromPem(new String(bytes, StandardCharsets.ISO_8859_1), passphrase, doing);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * The private key in {@code pem}. {@code source} names where it came from in messages, as in
   * {@code read private key SOURCE: why}.
   */
  public static PrivateKey readPem(String pem, Passphrase passphrase, String source) throws KeyFileException {
    String doing = "read private key " + source;
    if (pem.length() > MAX_KEY_FILE_BYTES) {
      throw new KeyFileException(Problem.TOO_LARGE, doing + ": larger than " + MAX_KEY_FILE_BYTES + " bytes, which no key file is");
    }
    return fromPem(pem, passphrase, doing);
  }

  /**
   * Whether the first private key in {@code pem} is encrypted, so that a caller asks for a
   * passphrase only when one is needed; {@code false} when there is no readable private key block.
   */
  public static boolean isEncrypted(String pem) {
    try {
      return privateBlock(pem, "inspect key").map(b -> ENCRYPTED.contains(b.label())).orElse(false);
    } catch (KeyFileException e) {
      return false;
    }
  }

  private static Optional<Pem.Block> privateBlock(String pem, String doing) throws KeyFileException {
    return Pem.blocks(pem, doing).stream().filter(b -> PRIVATE_LABELS.contains(b.label())).findFirst();
  }

  private static PrivateKey fromPem(String pem, Passphrase passphrase, String doing) throws KeyFileException {
    List<Pem.Block> blocks = Pem.blocks(pem, doing);
    Pem.Block block = blocks.stream().filter(b -> PRIVATE_LABELS.contains(b.label())).findFirst().orElseThrow(() -> new KeyFileException(
        Problem.NOT_A_PRIVATE_KEY, doing + ": " + (blocks.isEmpty() ? "no PEM block" : "no private key among the PEM blocks "
            + String.join(", ", blocks.stream().map(b -> KeyFileException.quote(b.label())).toList()))));
    if (!block.headers().isEmpty()) {
      throw new KeyFileException(Problem.UNSUPPORTED, doing + ": PEM headers (OpenSSL's legacy encryption, 'Proc-Type') are not supported;"
          + " convert with openssl pkcs8 -topk8 -v2 aes-256-cbc");
    }
    byte[] body = block.bytes(doing);
    byte[] pkcs8 = null;
    try {
      switch (block.label()) {
        case CosignKeys.LABEL, CosignKeys.LEGACY_LABEL -> pkcs8 = CosignKeys.decrypt(body, passphrase, doing);
        case Pbes2.LABEL -> {
          pkcs8 = Pbes2.decrypt(body, passphrase, doing);
          try {
            return KeyMaterial.fromPkcs8(pkcs8, doing);
          } catch (KeyFileException e) {
            if (e.problem() == Problem.MALFORMED || e.problem() == Problem.TRUNCATED) {
              // AES-CBC is not authenticated: a wrong passphrase now and then yields valid padding over garbage
              throw new KeyFileException(Problem.WRONG_PASSPHRASE, doing + ": the decrypted key is not DER: wrong passphrase, or the file was altered");
            }
            throw e;
          }
        }
        case "EC PRIVATE KEY" -> pkcs8 = KeyMaterial.pkcs8FromSec1(body, doing);
        case "RSA PRIVATE KEY" -> pkcs8 = KeyMaterial.pkcs8FromPkcs1(body, doing);
        default -> pkcs8 = body.clone();
      }
      return KeyMaterial.fromPkcs8(pkcs8, doing);
    } finally {
      Arrays.fill(body, (byte) 0);
      if (pkcs8 != null) {
        Arrays.fill(pkcs8, (byte) 0);
      }
    }
  }
}
