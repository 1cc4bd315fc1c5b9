package dev.portcullis.admission.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.core.ImageRef;
import dev.portcullis.testkit.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client over real TLS: a certificate from a test CA made by openssl, trusted through the CA file only. */
class ServerEvidenceTlsIT {
  @TempDir Path dir;

  @Test
  void trustsTheServerThroughTheCaFileOnly() throws Exception {
    TestPki.ServerTls tls = TestPki.serverTls(dir);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
    String answer = FactsJson.writeEnvelope(new FactsJson.Envelope("registry.example:5000/app:1", FactsJsonTest.D, FactsJsonTest.sample()));
    server.createContext("/v1/admission/facts", ex -> {
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      URI base = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
      Instant deadline = Instant.now().plusSeconds(10);
      try (ServerEvidence trusting = new ServerEvidence(base, "pcs_t", Optional.of(tls.caCertificate()), Duration.ofSeconds(5), Clock.systemUTC())) {
        assertEquals(Optional.of(FactsJsonTest.D), trusting.resolve(ImageRef.parse("registry.example:5000/app:1"), deadline));
      }
      try (ServerEvidence jdkTrust = new ServerEvidence(base, "pcs_t", Optional.empty(), Duration.ofSeconds(5), Clock.systemUTC())) {
        assertThrows(IOException.class, () -> jdkTrust.resolve(ImageRef.parse("registry.example:5000/app:1"), deadline));
      }
    } finally {
      server.stop(0);
    }
  }

  private static SSLContext serverContext(TestPki.ServerTls tls) throws Exception {
    Certificate cert;
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String pem = Files.readString(tls.privateKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
