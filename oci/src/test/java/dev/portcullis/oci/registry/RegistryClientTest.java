package dev.portcullis.oci.registry;

import static dev.portcullis.oci.registry.FakeRegistry.answer;
import static dev.portcullis.oci.registry.FakeRegistry.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.testkit.OciLayoutFixture;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against an in-process HTTP server that plays the registry: retries, authentication, verification, redirects. */
class RegistryClientTest {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private static final Platform ARM64 = new Platform("linux", "arm64", null);

  @TempDir Path tmp;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final ProgressListener listener = new ProgressListener() {
    @Override
    public void warn(String message) {
      warnings.add(message);
    }
  };
  private FakeRegistry registry;
  private OciLayoutFixture layout;

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    layout = OciLayoutFixture.create(tmp.resolve("layout"));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private RegistryClient client(@Nullable Credentials credentials, int maxAttempts) throws Exception {
    return client(new RegistryOptions(true, null, credentials, null, maxAttempts));
  }

  private RegistryClient client(RegistryOptions options) throws Exception {
    return RegistryClient.create(options, listener, Map.of(), tmp.resolve("home").toString(), sleeps::add,
        Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
  }

  private ReadOptions read() {
    return ReadOptions.defaults().withPlatform(AMD64).withListener(listener);
  }

  private ImageRef ref(String rest) {
    return ImageRef.parse(registry.host() + "/" + rest);
  }

  private byte[] blob(Digest d) throws Exception {
    return Files.readAllBytes(layout.dir().resolve("blobs/sha256/" + d.hex()));
  }

  /** Serves every blob of the fixture layout under {@code /v2/app/blobs/} and {@code /v2/app/manifests/<digest>}. */
  private void serveLayoutBlobs() throws Exception {
    try (var files = Files.list(layout.dir().resolve("blobs/sha256"))) {
      for (Path f : files.toList()) {
        byte[] bytes = Files.readAllBytes(f);
        String digest = "sha256:" + f.getFileName();
        registry.on("GET", "/v2/app/blobs/" + digest, r -> answer(200, bytes));
        registry.on("GET", "/v2/app/manifests/" + digest, r -> answer(200, bytes, "Content-Type", mediaTypeOf(bytes)));
      }
    }
  }

  private static String mediaTypeOf(byte[] json) {
    String s = new String(json, StandardCharsets.UTF_8);
    return s.contains(OciLayoutFixture.INDEX) && s.contains("\"manifests\"") ? OciLayoutFixture.INDEX : OciLayoutFixture.MANIFEST;
  }

  private OciLayoutFixture.Blob tagImage(String tag) throws Exception {
    OciLayoutFixture.Blob m = layout.image(tag, AMD64, List.of(Map.of("etc/hello", "hello from " + tag + "\n")));
    byte[] bytes = blob(m.digest());
    serveLayoutBlobs();
    registry.on("GET", "/v2/app/manifests/" + tag,
        r -> answer(200, bytes, "Content-Type", OciLayoutFixture.MANIFEST, "Docker-Content-Digest", m.digest().toString()));
    return m;
  }

  private static String firstFile(Image image) throws Exception {
    try (InputStream in = image.layers().get(0).open(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      tar.getNextEntry();
      String content = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
      while (tar.getNextEntry() != null) {
        // read to the end so that the digests are checked
      }
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return content;
    }
  }

  @Test
  void pullsAnImageAnonymouslyAndVerifiesIt() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    try (RegistryClient client = client(null, 3); Image image = client.image(ref("app:1"), read())) {
      assertThat(image.digest()).isEqualTo(m.digest());
      assertThat(image.name()).isEqualTo("registry:" + registry.host() + "/app:1@" + m.digest());
      assertThat(image.config().platform()).isEqualTo(AMD64);
      assertThat(firstFile(image)).isEqualTo("hello from 1\n");
    }
    assertThat(registry.seen().get(0).accept()).contains("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json");
    assertThat(registry.seen()).allMatch(s -> s.authorization() == null);
  }

  @Test
  void retriesA429AfterTheRetryAfterItAsksFor() throws Exception {
    tagImage("1");
    byte[] manifest = blob(layout.manifest(AMD64, List.of(Map.of("etc/hello", "hello from 1\n"))).digest());
    AtomicInteger calls = new AtomicInteger();
    registry.on("GET", "/v2/app/manifests/1", r -> calls.incrementAndGet() == 1
        ? error(429, "TOOMANYREQUESTS", "slow down", "Retry-After", "3")
        : answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST));
    try (RegistryClient client = client(null, 5); Image image = client.image(ref("app:1"), read())) {
      assertThat(image.layers()).hasSize(1);
    }
    assertThat(registry.count("GET", "/v2/app/manifests/1")).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    assertThat(warnings).anyMatch(w -> w.contains("429"));
  }

  @Test
  void gives503sUpAfterMaxAttemptsWithDoublingBackoff() throws Exception {
    registry.on("GET", "/v2/app/manifests/1", r -> error(503, "UNAVAILABLE", "try later"));
    try (RegistryClient client = client(null, 4)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + registry.host() + "/app:1: 503 UNAVAILABLE (try later)");
    }
    assertThat(registry.count("GET", "/v2/app/manifests/1")).isEqualTo(4);
    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
  }

  @Test
  void a500ThenSuccessIsOneRetry() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    byte[] manifest = blob(m.digest());
    AtomicInteger calls = new AtomicInteger();
    registry.on("GET", "/v2/app/manifests/1", r -> calls.incrementAndGet() < 3
        ? answer(500, "<html>oops</html>")
        : answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST));
    try (RegistryClient client = client(null, 3); Image image = client.image(ref("app:1"), read())) {
      assertThat(image.digest()).isEqualTo(m.digest());
    }
    assertThat(calls).hasValue(3);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void a404IsNeverRetried() throws Exception {
    registry.on("GET", "/v2/app/manifests/missing", r -> error(404, "MANIFEST_UNKNOWN", "manifest unknown"));
    try (RegistryClient client = client(null, 5)) {
      assertThatThrownBy(() -> client.image(ref("app:missing"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:missing: 404 MANIFEST_UNKNOWN (manifest unknown)");
    }
    assertThat(registry.count("GET", "/v2/app/manifests/missing")).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void findManifestIsEmptyOnA404AndFailsOnOtherErrors() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    registry.on("GET", "/v2/app/manifests/missing", r -> error(404, "MANIFEST_UNKNOWN", "manifest unknown"));
    registry.on("GET", "/v2/app/manifests/denied", r -> error(403, "DENIED", "requested access to the resource is denied"));
    try (RegistryClient client = client(null, 1)) {
      assertThat(client.findManifest(ref("app:missing"), 1 << 20)).isEmpty();
      assertThat(client.findManifest(ref("app:1"), 1 << 20)).hasValueSatisfying(found -> assertThat(found.digest()).isEqualTo(m.digest()));
      assertThatThrownBy(() -> client.findManifest(ref("app:denied"), 1 << 20))
          .hasMessage("pull manifest " + registry.host() + "/app:denied: 403 DENIED (requested access to the resource is denied)");
    }
  }

  @Test
  void aRetryAfterLongerThanWeWaitIsReportedAtOnce() throws Exception {
    registry.on("GET", "/v2/app/manifests/1", r -> error(429, "TOOMANYREQUESTS", "pull rate limit", "Retry-After", "3600"));
    try (RegistryClient client = client(null, 5)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:1: 429 TOOMANYREQUESTS (pull rate limit; retry after 3600)");
    }
    assertThat(registry.count("GET", "/v2/app/manifests/1")).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void connectionRefusedIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (RegistryClient client = client(null, 3)) {
      assertThatThrownBy(() -> client.image(ImageRef.parse("127.0.0.1:" + port + "/app:1"), read()))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest 127.0.0.1:" + port + "/app:1: cannot connect to 127.0.0.1:" + port + " (Connection refused)");
    }
    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void wrongDockerContentDigestIsAMismatch() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    byte[] manifest = blob(m.digest());
    registry.on("GET", "/v2/app/manifests/1", r -> answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST, "Docker-Content-Digest", other.toString()));
    try (RegistryClient client = client(null, 1)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("verify manifest " + registry.host() + "/app:1: digest mismatch: expected " + other + ", got " + m.digest());
    }
  }

  @Test
  void aBlobIsVerifiedAgainstItsDescriptorAsItStreams() throws Exception {
    byte[] content = "the real content".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    Descriptor d = new Descriptor("application/octet-stream", digest, content.length);
    try (RegistryClient client = client(null, 1)) {
      registry.on("GET", "/v2/app/blobs/" + digest, r -> answer(200, content));
      try (InputStream in = client.blob(ref("app:1"), d)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      byte[] forged = "the false content".getBytes(StandardCharsets.UTF_8);
      registry.on("GET", "/v2/app/blobs/" + digest, r -> answer(200, forged));
      try (InputStream in = client.blob(ref("app:1"), d)) {
        assertThatThrownBy(in::readAllBytes).isInstanceOf(ImageReadException.class)
            .hasMessageContaining("blob " + digest + " of " + registry.host() + "/app").hasMessageContaining("more than the 16 bytes");
      }
      byte[] sameSize = "the fake content".getBytes(StandardCharsets.UTF_8);
      registry.on("GET", "/v2/app/blobs/" + digest, r -> answer(200, sameSize));
      try (InputStream in = client.blob(ref("app:1"), d)) {
        assertThatThrownBy(in::readAllBytes).hasMessage("verify blob " + digest + " of " + registry.host() + "/app: digest mismatch: expected "
            + digest + ", got " + Digest.sha256(sameSize));
      }
    }
  }

  @Test
  void manifestByDigestIsVerifiedAgainstTheRequestedDigest() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    OciLayoutFixture.Blob other = layout.manifest(AMD64, List.of(Map.of("x", "y")));
    byte[] wrongBytes = blob(other.digest());
    registry.on("GET", "/v2/app/manifests/" + m.digest(), r -> answer(200, wrongBytes, "Content-Type", OciLayoutFixture.MANIFEST));
    try (RegistryClient client = client(null, 1)) {
      assertThatThrownBy(() -> client.image(ref("app@" + m.digest()), read()))
          .hasMessage("verify manifest " + registry.host() + "/app@" + m.digest() + ": digest mismatch: expected " + m.digest() + ", got " + other.digest());
    }
  }

  @Test
  void anIndexIsResolvedToTheRequestedPlatformThroughTheManifestsEndpoint() throws Exception {
    OciLayoutFixture.Blob index = layout.index("multi", new java.util.LinkedHashMap<>(Map.of(
        AMD64, Map.of("arch", "amd64\n"), ARM64, Map.of("arch", "arm64\n"))));
    serveLayoutBlobs();
    byte[] indexBytes = blob(index.digest());
    registry.on("GET", "/v2/app/manifests/multi", r -> answer(200, indexBytes, "Content-Type", OciLayoutFixture.INDEX));
    try (RegistryClient client = client(null, 1); Image image = client.image(ref("app:multi"), read().withPlatform(ARM64))) {
      assertThat(image.config().platform()).isEqualTo(ARM64);
      assertThat(firstFile(image)).isEqualTo("arm64\n");
      assertThat(registry.seen()).anyMatch(s -> s.path().equals("/v2/app/manifests/" + image.digest()));
    }
    try (RegistryClient client = client(null, 1)) {
      assertThatThrownBy(() -> client.image(ref("app:multi"), read().withPlatform(new Platform("linux", "s390x", null))))
          .hasMessageContaining("no image for platform linux/s390x in the index (it has: ");
    }
  }

  @Test
  void bearerChallengeFetchesOneTokenPerScopeAndSendsIt() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    String realm = "http://" + registry.host() + "/token";
    List<FakeRegistry.Seen> tokenRequests = new CopyOnWriteArrayList<>();
    registry.on("GET", "/token", r -> {
      tokenRequests.add(r);
      return answer(200, "{\"access_token\":\"tok-1\",\"expires_in\":300}", "Content-Type", "application/json");
    });
    requireBearer("/v2/app/manifests/1", realm);
    requireBearer("/v2/app/blobs/" + layerOf(m), realm);
    try (RegistryClient client = client(new Credentials("alice", "s3cret"), 1)) {
      for (int i = 0; i < 2; i++) {
        try (Image image = client.image(ref("app:1"), read())) {
          assertThat(image.digest()).isEqualTo(m.digest());
          firstFile(image);
        }
      }
    }
    assertThat(tokenRequests).hasSize(1);
    assertThat(tokenRequests.get(0).query()).isEqualTo("service=fake-registry&scope=repository%3Aapp%3Apull");
    assertThat(tokenRequests.get(0).authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
    assertThat(registry.seen().stream().filter(s -> s.path().startsWith("/v2/") && s.authorization() != null))
        .allMatch(s -> s.authorization().equals("Bearer tok-1"));
  }

  @Test
  void aRefusedTokenRequestSaysSo() throws Exception {
    String realm = "http://" + registry.host() + "/token";
    registry.on("GET", "/token", r -> answer(401, "{\"details\":\"incorrect username or password\"}"));
    requireBearer("/v2/app/manifests/1", realm);
    try (RegistryClient client = client(new Credentials("alice", "wrong"), 1)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:1: get token from " + realm + ": 401 Unauthorized (incorrect username or password; as user alice)");
    }
  }

  @Test
  void aTokenTheRegistryStillRefusesIsReportedWithItsScope() throws Exception {
    String realm = "http://" + registry.host() + "/token";
    registry.on("GET", "/token", r -> answer(200, "{\"token\":\"useless\"}"));
    registry.on("GET", "/v2/app/manifests/1", r -> error(401, "UNAUTHORIZED", "authentication required",
        "WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"fake-registry\",scope=\"repository:app:pull\""));
    try (RegistryClient client = client(null, 1)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:1: 401 UNAUTHORIZED (authentication required; token scope repository:app:pull)");
    }
    // one anonymous try, one with the token: then give up
    assertThat(registry.count("GET", "/v2/app/manifests/1")).isEqualTo(2);
  }

  /** The digest of the first layer of the manifest {@code m}. */
  private Digest layerOf(OciLayoutFixture.Blob m) throws Exception {
    return Digest.parse(dev.portcullis.oci.internal.Json.MAPPER.readTree(blob(m.digest())).path("layers").path(0).path("digest").asText());
  }

  private void requireBearer(String path, String realm) {
    FakeRegistry.Handler inner = registry.route("GET", path);
    registry.on("GET", path, r -> "Bearer tok-1".equals(r.authorization())
        ? inner.answer(r)
        : error(401, "UNAUTHORIZED", "authentication required",
            "WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"fake-registry\",scope=\"repository:app:pull\""));
  }

  @Test
  void basicChallengeIsAnsweredWithCredentials() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    byte[] manifest = blob(m.digest());
    String good = "Basic " + Base64.getEncoder().encodeToString("alice:good".getBytes(StandardCharsets.UTF_8));
    registry.on("GET", "/v2/app/manifests/1", r -> good.equals(r.authorization())
        ? answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST)
        : error(401, "UNAUTHORIZED", "authentication required", "WWW-Authenticate", "Basic realm=\"fake\""));
    try (RegistryClient client = client(new Credentials("alice", "good"), 1); Image image = client.image(ref("app:1"), read())) {
      assertThat(image.digest()).isEqualTo(m.digest());
    }
    try (RegistryClient client = client(new Credentials("alice", "bad"), 1)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:1: 401 UNAUTHORIZED (authentication required; as user alice)");
    }
    try (RegistryClient client = client(null, 1)) {
      assertThatThrownBy(() -> client.image(ref("app:1"), read()))
          .hasMessage("pull manifest " + registry.host() + "/app:1: 401 UNAUTHORIZED (authentication required; no credentials for " + registry.host() + ")");
    }
  }

  @Test
  void credentialsComeFromTheDockerConfigWhenNotGiven() throws Exception {
    tagImage("1");
    byte[] manifest = blob(layout.manifest(AMD64, List.of(Map.of("etc/hello", "hello from 1\n"))).digest());
    String good = "Basic " + Base64.getEncoder().encodeToString("carol:pw".getBytes(StandardCharsets.UTF_8));
    registry.on("GET", "/v2/app/manifests/1", r -> good.equals(r.authorization())
        ? answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST)
        : error(401, "UNAUTHORIZED", "authentication required", "WWW-Authenticate", "Basic realm=\"fake\""));
    Path config = tmp.resolve("docker/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "{\"auths\":{\"http://" + registry.host() + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("carol:pw".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    try (RegistryClient client = client(new RegistryOptions(true, null, null, config, 1)); Image image = client.image(ref("app:1"), read())) {
      assertThat(image.layers()).hasSize(1);
    }
  }

  @Test
  void redirectsToAnotherOriginDoNotCarryTheAuthorization() throws Exception {
    OciLayoutFixture.Blob m = tagImage("1");
    String layer = layerOf(m).toString();
    byte[] layerBytes = blob(Digest.parse(layer));
    String good = "Basic " + Base64.getEncoder().encodeToString("alice:good".getBytes(StandardCharsets.UTF_8));
    try (FakeRegistry storage = new FakeRegistry()) {
      storage.on("GET", "/bucket/layer", r -> answer(200, layerBytes));
      byte[] manifest = blob(m.digest());
      registry.on("GET", "/v2/app/manifests/1", r -> good.equals(r.authorization())
          ? answer(200, manifest, "Content-Type", OciLayoutFixture.MANIFEST)
          : error(401, "UNAUTHORIZED", "authentication required", "WWW-Authenticate", "Basic realm=\"fake\""));
      registry.on("GET", "/v2/app/blobs/" + layer, r -> answer(307, "", "Location", "http://" + storage.host() + "/bucket/layer"));
      try (RegistryClient client = client(new Credentials("alice", "good"), 1); Image image = client.image(ref("app:1"), read())) {
        assertThat(firstFile(image)).isEqualTo("hello from 1\n");
      }
      assertThat(registry.seen().stream().filter(s -> s.path().equals("/v2/app/blobs/" + layer))).allMatch(s -> good.equals(s.authorization()));
      assertThat(storage.seen()).hasSize(1).allMatch(s -> s.authorization() == null);
    }
  }

  @Test
  void tagsFollowPagination() throws Exception {
    registry.on("GET", "/v2/app/tags/list", r -> r.query() == null
        ? answer(200, "{\"name\":\"app\",\"tags\":[\"1\",\"2\"]}", "Link", "</v2/app/tags/list?last=2&n=2>; rel=\"next\"")
        : answer(200, "{\"name\":\"app\",\"tags\":[\"3\"]}"));
    try (RegistryClient client = client(null, 1)) {
      assertThat(client.tags(ref("app:1"))).containsExactly("1", "2", "3");
    }
  }
}
