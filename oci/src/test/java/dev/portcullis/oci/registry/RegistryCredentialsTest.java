package dev.portcullis.oci.registry;

import static dev.portcullis.oci.registry.FakeRegistry.answer;
import static dev.portcullis.oci.registry.FakeRegistry.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.testkit.OciLayoutFixture;
import dev.portcullis.testkit.TestPki;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code Authorization} header reaches only the origin it was issued for, on every redirect path:
 * token endpoint, manifest, blob, upload and tag pages; and a redirect from https to http is refused.
 */
class RegistryCredentialsTest {
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

  @TempDir Path tmp;
  private FakeRegistry registry;
  private FakeRegistry foreign;
  private OciLayoutFixture layout;

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    foreign = new FakeRegistry();
    layout = OciLayoutFixture.create(tmp.resolve("layout"));
  }

  @AfterEach
  void stop() {
    registry.close();
    foreign.close();
  }

  private RegistryClient client(boolean insecure, @Nullable Path ca) throws Exception {
    RegistryOptions options = new RegistryOptions(insecure, ca, new Credentials("alice", "s3cret"), null, 1);
    return RegistryClient.create(options, ProgressListener.NONE, Map.of(), tmp.resolve("home").toString(), d -> {}, Clock.systemUTC());
  }

  private ImageRef ref(String rest) {
    return ImageRef.parse(registry.host() + "/" + rest);
  }

  private byte[] blob(Digest d) throws Exception {
    return Files.readAllBytes(layout.dir().resolve("blobs/sha256/" + d.hex()));
  }

  /** The manifest of a one-layer image, and its layer. */
  private record Pushed(byte[] manifest, Digest layer, byte[] layerBytes) {}

  private Pushed image() throws Exception {
    OciLayoutFixture.Blob m = layout.image("1", new Platform("linux", "amd64", null), List.of(Map.of("etc/hello", "hello\n")));
    byte[] manifest = blob(m.digest());
    Digest layer = Digest.parse(dev.portcullis.oci.internal.Json.MAPPER.readTree(manifest).path("layers").path(0).path("digest").asText());
    return new Pushed(manifest, layer, blob(layer));
  }

  /** {@code path} answers {@code inner} with the registry's token only, else a Bearer challenge with the realm on the registry's host. */
  private void requireToken(String path, FakeRegistry.Handler inner) {
    registry.on("GET", path, r -> "Bearer tok-1".equals(r.authorization())
        ? inner.answer(r)
        : error(401, "UNAUTHORIZED", "authentication required",
            "WWW-Authenticate", "Bearer realm=\"http://" + registry.host() + "/token\",service=\"reg\""));
  }

  @Test
  void aTokenEndpointRedirectingToAnotherPortGetsNoCredentialsThere() throws Exception {
    Pushed p = image();
    registry.on("GET", "/token", r -> answer(302, "", "Location", "http://" + foreign.host() + "/token"));
    foreign.on("GET", "/token", r -> answer(200, "{\"token\":\"tok-1\"}", "Content-Type", "application/json"));
    requireToken("/v2/app/manifests/1", r -> answer(200, p.manifest(), "Content-Type", OciLayoutFixture.MANIFEST));
    try (RegistryClient client = client(true, null)) {
      assertThat(client.manifest(ref("app:1"), 1 << 20).bytes()).isEqualTo(p.manifest());
    }
    assertThat(registry.seen()).filteredOn(s -> s.path().equals("/token")).singleElement().extracting(FakeRegistry.Seen::authorization).isEqualTo(BASIC);
    assertThat(foreign.seen()).hasSize(1).allMatch(s -> s.authorization() == null);
  }

  @Test
  void aTokenEndpointRedirectingToAnotherHostNameOnTheSamePortGetsNoCredentialsThere() throws Exception {
    Pushed p = image();
    int port = URI.create("http://" + registry.host()).getPort();
    registry.on("GET", "/token", r -> answer(302, "", "Location", "http://localhost:" + port + "/elsewhere"));
    registry.on("GET", "/elsewhere", r -> answer(200, "{\"token\":\"tok-1\"}"));
    requireToken("/v2/app/manifests/1", r -> answer(200, p.manifest(), "Content-Type", OciLayoutFixture.MANIFEST));
    try (RegistryClient client = client(true, null)) {
      client.manifest(ref("app:1"), 1 << 20);
    }
    assertThat(registry.seen()).filteredOn(s -> s.path().equals("/elsewhere")).singleElement()
        .satisfies(s -> assertThat(s.authorization()).isNull());
  }

  @Test
  void manifestAndBlobRedirectsToStorageWorkWithoutTheToken() throws Exception {
    Pushed p = image();
    registry.on("GET", "/token", r -> answer(200, "{\"token\":\"tok-1\"}"));
    requireToken("/v2/app/manifests/1", r -> answer(307, "", "Location", "http://" + foreign.host() + "/cdn/manifest?X-Signature=abc"));
    requireToken("/v2/app/blobs/" + p.layer(), r -> answer(307, "", "Location", "http://" + foreign.host() + "/cdn/layer"));
    foreign.on("GET", "/cdn/manifest", r -> answer(200, p.manifest(), "Content-Type", OciLayoutFixture.MANIFEST));
    foreign.on("GET", "/cdn/layer", r -> answer(200, p.layerBytes()));
    try (RegistryClient client = client(true, null)) {
      assertThat(client.manifest(ref("app:1"), 1 << 20).bytes()).isEqualTo(p.manifest());
      try (InputStream in = client.blob(ref("app:1"), new Descriptor(OciLayoutFixture.LAYER_GZIP, p.layer(), p.layerBytes().length))) {
        assertThat(in.readAllBytes()).isEqualTo(p.layerBytes());
      }
    }
    assertThat(foreign.seen()).hasSize(2).allMatch(s -> s.authorization() == null);
    assertThat(registry.seen()).filteredOn(s -> s.path().startsWith("/v2/") && s.authorization() != null).isNotEmpty()
        .allMatch(s -> s.authorization().equals("Bearer tok-1"));
  }

  @Test
  void anUploadLocationOnAnotherOriginNeverReceivesCredentialsEvenWhenItChallenges() throws Exception {
    byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    String basicChallenge = "Basic realm=\"registry\"";
    registry.on("HEAD", "/v2/app/blobs/" + digest, r -> BASIC.equals(r.authorization()) ? answer(404, "")
        : error(401, "UNAUTHORIZED", "authentication required", "WWW-Authenticate", basicChallenge));
    registry.on("POST", "/v2/app/blobs/uploads/", r -> answer(202, "", "Location", "http://" + foreign.host() + "/upload/1"));
    foreign.on("PUT", "/upload/1", r -> error(401, "UNAUTHORIZED", "give me your password", "WWW-Authenticate", "Basic realm=\"trap\""));
    try (RegistryClient client = client(true, null)) {
      assertThatThrownBy(() -> client.putBlob(ref("app:1"), new ByteArrayInputStream(content), content.length, digest))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("push blob " + digest + " to " + registry.host() + "/app: http://" + foreign.host() + "/upload/1 answered 401 UNAUTHORIZED (give me your password)");
    }
    assertThat(foreign.seen()).hasSize(1).allMatch(s -> s.authorization() == null);
  }

  @Test
  void aTagPageOnAnotherOriginNeverReceivesCredentials() throws Exception {
    registry.on("GET", "/token", r -> answer(200, "{\"token\":\"tok-1\"}"));
    requireToken("/v2/app/tags/list", r -> answer(200, "{\"tags\":[\"1\"]}", "Link", "<http://" + foreign.host() + "/v2/app/tags/list?last=1>; rel=\"next\""));
    foreign.on("GET", "/v2/app/tags/list", r -> error(401, "UNAUTHORIZED", "who are you",
        "WWW-Authenticate", "Bearer realm=\"http://" + foreign.host() + "/token\""));
    try (RegistryClient client = client(true, null)) {
      assertThatThrownBy(() -> client.tags(ref("app:1"))).hasMessage("list tags of " + registry.host() + "/app: http://" + foreign.host() + "/v2/app/tags/list answered 401 UNAUTHORIZED (who are you)");
    }
    assertThat(foreign.seen()).hasSize(1).allMatch(s -> s.authorization() == null);
  }

  @Test
  void aCallCannotCarryAnAuthorizationHeaderUnboundToItsOrigin() {
    assertThatThrownBy(() -> Transport.Call.get(URI.create("http://x/"), Map.of("authorization", BASIC)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Transport.Call("PUT", URI.create("http://x/"), Map.of("Authorization", BASIC), HttpRequest.BodyPublishers.noBody(), true, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsRefusedAndAPlainHttpRealmGetsNoCredentials() throws Exception {
    TestPki.ServerTls tls = TestPki.serverTls(Files.createDirectories(tmp.resolve("pki")));
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(sslContext(tls)));
    String plainToken = "http://" + foreign.host() + "/token";
    https.createContext("/", ex -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/v2/app/manifests/1")) {
          ex.getResponseHeaders().add("Location", "http://" + foreign.host() + "/cdn/manifest");
          ex.sendResponseHeaders(302, -1);
        } else {
          ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + plainToken + "\"");
          ex.sendResponseHeaders(401, -1);
        }
      }
    });
    https.start();
    try (RegistryClient client = client(false, tls.caCertificate())) {
      String host = "127.0.0.1:" + https.getAddress().getPort();
      assertThatThrownBy(() -> client.manifest(ImageRef.parse(host + "/app:1"), 1 << 20)).isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + host + "/app:1: refused the redirect from https://" + host + "/v2/app/manifests/1 to plain http http://"
              + foreign.host() + "/cdn/manifest (a downgrade from https)");
      assertThatThrownBy(() -> client.manifest(ImageRef.parse(host + "/app:2"), 1 << 20)).isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + host + "/app:2: the registry's token realm " + plainToken
              + " is plain http while the registry is https; credentials are not sent in the clear");
    } finally {
      https.stop(0);
    }
    assertThat(foreign.seen()).isEmpty();
  }

  private static SSLContext sslContext(TestPki.ServerTls tls) throws Exception {
    String pem = Files.readString(tls.privateKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    Certificate cert;
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }
}
