package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with {@code tls:} from a PEM key pair: the API and the dashboard speak only HTTPS,
 * and the session cookie is {@code Secure}, {@code HttpOnly} and {@code SameSite=Strict}.
 */
class TlsServerIT {
  @TempDir Path dir;

  @Test
  void servesHttpsOnlyWithSecureCookies() throws Exception {
    TestPki.ServerTls pki = TestPki.serverTls(Files.createDirectories(dir.resolve("pki")));
    int port = RegistryProcess.freePort();
    Path config = ServerFixtures.offlineConfig(dir, port, """
        tls:
          certificate: %s
          key: %s""".formatted(pki.certificate(), pki.privateKey()));
    try (Server server = ServerFixtures.start(config, new ByteArrayOutputStream())) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(pki.caCertificate())) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/login"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"" + ServerFixtures.ADMIN + "\",\"password\":\"" + ServerFixtures.ADMIN_PASSWORD + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("portcullis_session=")
          .contains("; Secure", "; HttpOnly", "; SameSite=Strict"));
      assertThat(login.headers().firstValue("Content-Security-Policy")).get().asString().doesNotContain("unsafe-inline");
      // plain HTTP on the same port gets a TLS alert, not an answer
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    }
  }
}
