package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.testkit.TestPki;
import dev.portcullis.testkit.Tools;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's TLS key pair from PEM files made by the real openssl. */
class TlsTest {
  private static final char[] NONE = new char[0];
  private static final Duration OPENSSL = Duration.ofSeconds(60);

  @TempDir static Path pki;
  static TestPki.ServerTls tls;

  @TempDir Path dir;

  @BeforeAll
  static void makePki() {
    tls = TestPki.serverTls(pki);
  }

  static void openssl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Tools.Result r = Tools.run(OPENSSL, command);
    assertThat(r.exitCode()).as("%s: %s", String.join(" ", command), r.stderr()).isZero();
  }

  /** A self-signed certificate for the key in {@code key}. */
  Path selfSigned(Path key, String passphrase) throws Exception {
    Path cert = dir.resolve(key.getFileName() + ".crt");
    if (passphrase.isEmpty()) {
      openssl("req", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", "90", "-subj", "/CN=localhost");
    } else {
      openssl("req", "-x509", "-key", key.toString(), "-passin", "pass:" + passphrase, "-out", cert.toString(), "-days", "90",
          "-subj", "/CN=localhost");
    }
    return cert;
  }

  static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  @Test
  void theTestPkiKeyPairServesTlsToAClientTrustingItsCa() throws Exception {
    Tls.ServerKey key = Tls.load(tls.certificate(), tls.privateKey(), NONE, Clock.systemUTC());
    assertThat(key.keyStore().getType()).isEqualTo("PKCS12");
    assertThat(key.keyStore().isKeyEntry(Tls.ALIAS)).isTrue();
    assertThat(key.chain()).hasSize(1);
    assertThat(key.warnings()).as("TestPki's certificates live two days").singleElement().asString().contains("expires at");
    assertThat(key.toString()).doesNotContain(new String(key.password()));

    SSLContext server = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(key.keyStore(), key.password());
    server.init(kmf.getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(tls.caCertificate())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);

    try (SSLServerSocket listener =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(30_000);
      CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(30_000);
          int b = s.getInputStream().read();
          s.getOutputStream().write(b + 1);
          s.getOutputStream().flush();
          return b;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.setSoTimeout(30_000);
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        OutputStream out = s.getOutputStream();
        out.write(41);
        out.flush();
        assertThat(s.getInputStream().read()).isEqualTo(42);
        X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
        assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=127.0.0.1");
      }
      assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(41);
    }
  }

  @Test
  void aChainComesServerFirstAndIsRefusedOutOfOrder() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, Files.readString(tls.certificate()) + Files.readString(tls.caCertificate()));
    assertThat(Tls.load(chain, tls.privateKey(), NONE, Clock.systemUTC()).chain()).hasSize(2);

    Path other = dir.resolve("other.key");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", other.toString());
    Path wrongIssuer = dir.resolve("wrong-issuer.pem");
    Files.writeString(wrongIssuer, Files.readString(tls.certificate()) + Files.readString(selfSigned(other, "")));
    assertThatThrownBy(() -> Tls.load(wrongIssuer, tls.privateKey(), NONE, Clock.systemUTC()))
        .hasMessage("tls: certificate chain " + wrongIssuer + ": certificate 2 did not issue certificate 1 (the server's certificate "
            + "comes first, then each issuer)");
  }

  @Test
  void traditionalAndPkcs8KeysOfEveryKindAreRead() throws Exception {
    Path rsa = dir.resolve("rsa-traditional.key");
    openssl("genrsa", "-traditional", "-out", rsa.toString(), "2048");
    assertThat(Files.readString(rsa)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Path ec = dir.resolve("ec-with-parameters.key");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", ec.toString());
    assertThat(Files.readString(ec)).contains("-----BEGIN EC PARAMETERS-----").contains("-----BEGIN EC PRIVATE KEY-----");
    Path ed = dir.resolve("ed25519.key");
    openssl("genpkey", "-algorithm", "ed25519", "-out", ed.toString());
    assertThat(Files.readString(ed)).startsWith("-----BEGIN PRIVATE KEY-----");
    for (Path key : new Path[] {rsa, ec, ed}) {
      Tls.ServerKey loaded = Tls.load(selfSigned(key, ""), key, NONE, Clock.systemUTC());
      assertThat(loaded.keyStore().getKey(Tls.ALIAS, loaded.password())).as(key.toString()).isNotNull();
      assertThat(loaded.warnings()).isEmpty();
    }
  }

  @Test
  void anEncryptedKeyNeedsItsPassphrase() throws Exception {
    Path plain = dir.resolve("plain.key");
    openssl("genrsa", "-traditional", "-out", plain.toString(), "2048");
    Path cert = selfSigned(plain, "");
    Path pkcs8 = dir.resolve("pkcs8-encrypted.key");
    openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain.toString(), "-out", pkcs8.toString(), "-passout", "pass:open sesame");
    assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    Path traditional = dir.resolve("traditional-encrypted.key");
    openssl("rsa", "-aes256", "-traditional", "-in", plain.toString(), "-out", traditional.toString(), "-passout", "pass:open sesame");
    assertThat(Files.readString(traditional)).contains("Proc-Type: 4,ENCRYPTED");

    for (Path key : new Path[] {pkcs8, traditional}) {
      assertThat(Tls.load(cert, key, "open sesame".toCharArray(), Clock.systemUTC()).chain()).hasSize(1);
      assertThatThrownBy(() -> Tls.load(cert, key, NONE, Clock.systemUTC()))
          .hasMessage("tls: read private key " + key + ": the key is encrypted and no passphrase was given");
      assertThatThrownBy(() -> Tls.load(cert, key, "open sesame!".toCharArray(), Clock.systemUTC()))
          .hasMessage("tls: read private key " + key + ": cannot decrypt the key (wrong passphrase, or a damaged file)");
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    Path other = dir.resolve("other.key");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", other.toString());
    assertThatThrownBy(() -> Tls.load(tls.certificate(), other, NONE, Clock.systemUTC()))
        .hasMessage("tls: certificate " + tls.certificate() + " and key " + other
            + ": the key is not the certificate's (its public key differs)");
    Path rsa = dir.resolve("rsa.key");
    openssl("genrsa", "-out", rsa.toString(), "2048");
    assertThatThrownBy(() -> Tls.load(tls.certificate(), rsa, NONE, Clock.systemUTC()))
        .hasMessageEndingWith("the key is not the certificate's (its public key differs)");
  }

  @Test
  void anExpiredCertificateIsRefusedAndOneNotValidYetIsAWarning() throws Exception {
    Tls.ServerKey now = Tls.load(tls.certificate(), tls.privateKey(), NONE, Clock.systemUTC());
    Instant notAfter = now.notAfter();
    assertThatThrownBy(() -> Tls.load(tls.certificate(), tls.privateKey(), NONE, at(notAfter)))
        .hasMessage("tls: certificate " + tls.certificate() + " (CN=127.0.0.1) expired at " + notAfter);
    Tls.ServerKey early = Tls.load(tls.certificate(), tls.privateKey(), NONE, at(notAfter.minus(Duration.ofDays(400))));
    assertThat(early.warnings()).singleElement().asString().contains("is not valid before").contains("(is the clock right?)");

    // a certificate that openssl itself dated in the past
    Path cnf = dir.resolve("ca.cnf");
    Files.writeString(cnf, "[ca]\ndefault_ca = d\n[d]\ndatabase = " + dir.resolve("index.txt") + "\nnew_certs_dir = " + dir
        + "\nserial = " + dir.resolve("serial") + "\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n");
    Files.writeString(dir.resolve("index.txt"), "");
    Files.writeString(dir.resolve("serial"), "01\n");
    Path key = dir.resolve("old.key");
    Path csr = dir.resolve("old.csr");
    Path old = dir.resolve("old.pem");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
        "-out", csr.toString(), "-subj", "/CN=old");
    openssl("ca", "-batch", "-config", cnf.toString(), "-selfsign", "-keyfile", key.toString(), "-in", csr.toString(),
        "-out", old.toString(), "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext");
    assertThatThrownBy(() -> Tls.load(old, key, NONE, Clock.systemUTC()))
        .hasMessage("tls: certificate " + old + " (CN=old) expired at 2020-01-02T00:00:00Z");
  }

  @Test
  void missingEmptyAndWrongFilesAreOneLineErrors() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> Tls.load(missing, tls.privateKey(), NONE, Clock.systemUTC()))
        .hasMessage("tls: read certificate chain " + missing + ": no such file");
    assertThatThrownBy(() -> Tls.load(tls.certificate(), missing, NONE, Clock.systemUTC()))
        .hasMessage("tls: read private key " + missing + ": no such file");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> Tls.load(empty, tls.privateKey(), NONE, Clock.systemUTC()))
        .hasMessage("tls: read certificate chain " + empty + ": no CERTIFICATE block in it");
    assertThatThrownBy(() -> Tls.load(tls.certificate(), tls.certificate(), NONE, Clock.systemUTC()))
        .hasMessage("tls: read private key " + tls.certificate() + ": no private key in it");
    Path two = dir.resolve("two.key");
    Files.writeString(two, Files.readString(tls.privateKey()) + Files.readString(tls.privateKey()));
    assertThatThrownBy(() -> Tls.load(tls.certificate(), two, NONE, Clock.systemUTC()))
        .hasMessage("tls: read private key " + two + ": 2 private keys in it, not one");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> Tls.load(garbage, tls.privateKey(), NONE, Clock.systemUTC()))
        .hasMessageStartingWith("tls: read certificate chain " + garbage + ": not valid PEM (").message().doesNotContain("\n");
    Path huge = Files.write(dir.resolve("huge.pem"), new byte[Tls.MAX_PEM_BYTES + 1]);
    assertThatThrownBy(() -> Tls.load(huge, tls.privateKey(), NONE, Clock.systemUTC()))
        .hasMessage("tls: read certificate chain " + huge + ": larger than 1048576 bytes, not a PEM key or certificate file");
  }
}
