package dev.portcullis.server.auth;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The server's TLS key pair, read from PEM files into an in-memory PKCS#12 {@link KeyStore} that
 * Jetty's {@code SslContextFactory.Server} takes. The certificate file holds the server's certificate
 * first, then any intermediates, each issued by the next; the key file holds one private key in
 * PKCS#8 ({@code PRIVATE KEY}, {@code ENCRYPTED PRIVATE KEY}) or OpenSSL's traditional RSA or EC form
 * (plain or with {@code Proc-Type: 4,ENCRYPTED}). RSA, EC and Ed25519 keys are read.
 *
 * <p>Refused with a one-line {@link IOException}: a missing, unreadable or oversized file, a file
 * with no certificate or not exactly one key, an encrypted key without a passphrase or with a wrong
 * one, a key that is not the certificate's, a chain out of order, and an expired certificate (every
 * client would refuse it anyway; failing at start says why in one place). A certificate not valid
 * yet, or expiring within {@link #EXPIRY_WARNING}, is a warning.
 */
public final class Tls {
  /** The largest PEM file read. */
  public static final int MAX_PEM_BYTES = 1024 * 1024;
  /** A certificate expiring sooner than this is warned about. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(30);
  /** The alias of the key entry in the key store. */
  public static final String ALIAS = "server";

  private Tls() {}

  /**
   * A key store holding one key entry ({@link #ALIAS}) with its chain.
   *
   * @param password the key store's and the key entry's password (random; the store never leaves memory)
   * @param chain the server's certificate first
   * @param warnings one line each, for the log
   */
  public record ServerKey(KeyStore keyStore, char[] password, List<X509Certificate> chain, List<String> warnings) {
    public ServerKey {
      chain = List.copyOf(chain);
      warnings = List.copyOf(warnings);
    }

    /** When the server's certificate expires. */
    public Instant notAfter() {
      return chain.getFirst().getNotAfter().toInstant();
    }

    @Override
    public String toString() {
      return "ServerKey[" + chain.getFirst().getSubjectX500Principal().getName() + ", until " + notAfter() + "]";
    }
  }

  /**
   * Reads the key pair. {@code passphrase} (empty for none) decrypts an encrypted key; it is not kept.
   *
   * @throws IOException one line: what was read, which file, and why it is refused
   */
  public static ServerKey load(Path certificateChain, Path privateKey, char[] passphrase, Clock clock) throws IOException {
    List<X509Certificate> chain = certificates(certificateChain);
    PrivateKey key = privateKey(privateKey, passphrase);
    String where = "tls: certificate " + certificateChain + " and key " + privateKey;
    if (!matches(key, chain.getFirst())) {
      throw new IOException(where + ": the key is not the certificate's (its public key differs)");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new IOException("tls: certificate chain " + certificateChain + ": certificate " + (i + 2) + " did not issue certificate "
            + (i + 1) + " (the server's certificate comes first, then each issuer)");
      }
    }
    List<String> warnings = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String which = (i == 0 ? "certificate " : "certificate " + (i + 1) + " of ") + certificateChain + " ("
          + c.getSubjectX500Principal().getName() + ")";
      Instant notAfter = c.getNotAfter().toInstant();
      if (!now.isBefore(notAfter)) {
        throw new IOException("tls: " + which + " expired at " + notAfter);
      }
      if (now.isBefore(c.getNotBefore().toInstant())) {
        warnings.add("tls: " + which + " is not valid before " + c.getNotBefore().toInstant() + " (is the clock right?)");
      }
      if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0) {
        warnings.add("tls: " + which + " expires at " + notAfter);
      }
    }
    char[] password = Secrets.random32().toCharArray();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, password, chain.toArray(new X509Certificate[0]));
      return new ServerKey(store, password, chain, warnings);
    } catch (GeneralSecurityException e) {
      throw new IOException(where + ": cannot hold the key in a PKCS#12 key store: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file) throws IOException {
    String what = "tls: read certificate chain " + file;
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser pem = new PEMParser(new StringReader(read(file, what)))) {
      for (Object o = next(pem, what); o != null; o = next(pem, what)) {
        if (o instanceof X509CertificateHolder holder) {
          out.add(converter.getCertificate(holder));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(what + ": a certificate cannot be read: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(what + ": no CERTIFICATE block in it");
    }
    return out;
  }

  private static PrivateKey privateKey(Path file, char[] passphrase) throws IOException {
    String what = "tls: read private key " + file;
    List<Object> keys = new ArrayList<>();
    try (PEMParser pem = new PEMParser(new StringReader(read(file, what)))) {
      for (Object o = next(pem, what); o != null; o = next(pem, what)) {
        if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair || o instanceof PEMEncryptedKeyPair
            || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          keys.add(o);
        } else if (!(o instanceof ASN1ObjectIdentifier) && !(o instanceof X509CertificateHolder)) {
          // EC PARAMETERS (openssl ecparam -genkey) and certificates may sit beside the key; anything else is a mistake
          throw new IOException(what + ": holds a " + o.getClass().getSimpleName() + ", not a private key");
        }
      }
    }
    if (keys.size() != 1) {
      throw new IOException(what + ": " + (keys.isEmpty() ? "no private key in it" : keys.size() + " private keys in it, not one"));
    }
    Object key = keys.getFirst();
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    boolean encrypted = key instanceof PEMEncryptedKeyPair || key instanceof PKCS8EncryptedPrivateKeyInfo;
    if (encrypted && passphrase.length == 0) {
      throw new IOException(what + ": the key is encrypted and no passphrase was given");
    }
    try {
      // BouncyCastle's provider only for the decryption (older PEM ciphers); the key itself is the JDK's, as JSSE wants
      BouncyCastleProvider bc = new BouncyCastleProvider();
      return switch (key) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
        case PEMEncryptedKeyPair pair -> converter.getKeyPair(pair.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(bc)
            .build(passphrase))).getPrivate();
        case PKCS8EncryptedPrivateKeyInfo info -> converter.getPrivateKey(info.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bc).build(passphrase)));
        default -> throw new IllegalStateException("unreachable: " + key.getClass());
      };
    } catch (Exception e) {
      if (encrypted) {
        throw new IOException(what + ": cannot decrypt the key (wrong passphrase, or a damaged file)", e);
      }
      throw new IOException(what + ": cannot read the key: " + oneLine(e), e);
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) throws IOException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> throw new IOException("tls: private key algorithm " + key.getAlgorithm() + " is not supported (RSA, EC, Ed25519)");
    };
    if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(Path file, String what) throws IOException {
    try {
      if (Files.size(file) > MAX_PEM_BYTES) {
        throw new IOException(what + ": larger than " + MAX_PEM_BYTES + " bytes, not a PEM key or certificate file");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(what + ": no such file", e);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(what + ": not a PEM file (not text)", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new IOException(what + ": " + oneLine(e), e);
    }
  }

  private static @org.jspecify.annotations.Nullable Object next(PEMParser pem, String what) throws IOException {
    try {
      return pem.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IOException(what + ": not valid PEM (" + oneLine(e) + ")", e);
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).lines().findFirst().orElse("").strip();
  }
}
