package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Digest;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.RegistryTokenServer;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.Skopeo.CopyOption;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pull gate in front of a real docker-registry, driven by real skopeo: pushes stream through,
 * allowed pulls are byte-identical to direct ones, denied digests fail with the policy's message
 * whether asked by tag or by digest, and a failing policy closes the gate.
 */
class PullGateIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json,"
      + "application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.v2+json";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static RegistryProcess registry;
  private static PullGate gate;
  private static final Map<Digest, String> DENIED = new ConcurrentHashMap<>();
  private static final AtomicBoolean POLICY_THROWS = new AtomicBoolean();
  private static final List<String> ASKED = new CopyOnWriteArrayList<>();
  private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
  private static Path images;
  private static Digest appDigest;
  private static Digest badDigest;

  @BeforeAll
  static void start() throws IOException {
    Tools.require("skopeo");
    registry = RegistryProcess.start();
    PullPolicy policy = (repository, reference, digest) -> {
      ASKED.add(repository + " " + reference + " " + digest);
      if (POLICY_THROWS.get()) {
        throw new IllegalStateException("database is gone");
      }
      String why = DENIED.get(digest);
      return why == null ? Admission.pass() : Admission.deny(why);
    };
    gate = PullGate.start(PullGate.Options.of("127.0.0.1", 0, URI.create(registry.url())), policy, PROBLEMS::add);
    images = Files.createTempDirectory("portcullis-gate-images-");
    appDigest = Digest.parse(layout("app", "good").write(images.resolve("app")));
    badDigest = Digest.parse(layout("bad", "id_rsa").write(images.resolve("bad")));
    // every push goes through the gate: POST, chunked PATCH and PUT of blobs, PUT of manifests
    Skopeo.copy("oci:" + images.resolve("app") + ":latest", "docker://" + gateHost() + "/team/app:1", CopyOption.DEST_NO_TLS_VERIFY);
    Skopeo.copy("oci:" + images.resolve("bad") + ":latest", "docker://" + gateHost() + "/team/bad:1", CopyOption.DEST_NO_TLS_VERIFY);
    Skopeo.copy("oci:" + images.resolve("bad") + ":latest", "docker://" + gateHost() + "/other/bad-copy:2", CopyOption.DEST_NO_TLS_VERIFY);
  }

  @AfterAll
  static void stop() throws IOException {
    if (gate != null) {
      gate.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (images != null) {
      dev.portcullis.testkit.Dirs.deleteTree(images);
    }
  }

  @AfterEach
  void resetPolicy() {
    DENIED.clear();
    POLICY_THROWS.set(false);
  }

  private static OciLayoutBuilder layout(String name, String file) {
    return new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("etc").file("etc/" + file, "content of " + name + "\n"))
        .layer(new LayerBuilder().dir("app").file("app/name", name + "\n"));
  }

  private static String gateHost() {
    return "127.0.0.1:" + gate.port();
  }

  @Test
  void pushedThroughTheGateTheRegistryHoldsTheImage() throws IOException {
    byte[] direct = Skopeo.rawManifest("docker://" + registry.host() + "/team/app:1", "--tls-verify=false");
    assertThat(Digest.sha256(direct)).isEqualTo(appDigest);
  }

  @Test
  void anAllowedPullIsByteIdenticalToADirectPull(@TempDir Path dir) throws IOException {
    Skopeo.copy("docker://" + gateHost() + "/team/app:1", "oci:" + dir.resolve("through") + ":x", CopyOption.SRC_NO_TLS_VERIFY);
    Skopeo.copy("docker://" + registry.host() + "/team/app:1", "oci:" + dir.resolve("direct") + ":x", CopyOption.SRC_NO_TLS_VERIFY);

    assertThat(blobs(dir.resolve("through"))).isEqualTo(blobs(dir.resolve("direct"))).containsKey(appDigest.hex());
    assertThat(Files.readString(dir.resolve("through/index.json"))).isEqualTo(Files.readString(dir.resolve("direct/index.json")));
    assertThat(Skopeo.rawManifest("docker://" + gateHost() + "/team/app@" + appDigest, "--tls-verify=false"))
        .isEqualTo(Skopeo.rawManifest("docker://" + registry.host() + "/team/app@" + appDigest, "--tls-verify=false"));
    assertThat(ASKED).contains("team/app 1 " + appDigest, "team/app " + appDigest + " " + appDigest);
  }

  private static Map<String, String> blobs(Path layout) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path f : files.toList()) {
        sums.put(f.getFileName().toString(), Digest.sha256(Files.readAllBytes(f)).toString());
      }
    }
    return sums;
  }

  @Test
  void aDeniedDigestFailsByTagAndByDigestWithThePolicysMessage(@TempDir Path dir) throws IOException {
    String why = "quarantined: private key /etc/id_rsa in layer 1 (score 23/100, policy prod)";
    DENIED.put(badDigest, why);

    assertThatThrownBy(() -> Skopeo.inspect("docker://" + gateHost() + "/team/bad:1", "--tls-verify=false"))
        .hasMessageContaining(why);
    assertThatThrownBy(() -> Skopeo.copy("docker://" + gateHost() + "/team/bad@" + badDigest, "oci:" + dir.resolve("out") + ":x",
        CopyOption.SRC_NO_TLS_VERIFY)).hasMessageContaining(why);
    // a tag in another repository that resolves to the same digest is blocked too
    assertThatThrownBy(() -> Skopeo.inspect("docker://" + gateHost() + "/other/bad-copy:2", "--tls-verify=false"))
        .hasMessageContaining(why);
    assertThat(dir.resolve("out/index.json")).doesNotExist();

    // other repositories pass untouched, and the registry itself still serves the denied image
    assertThat(Digest.sha256(Skopeo.rawManifest("docker://" + gateHost() + "/team/app:1", "--tls-verify=false"))).isEqualTo(appDigest);
    assertThat(Digest.sha256(Skopeo.rawManifest("docker://" + registry.host() + "/team/bad:1", "--tls-verify=false"))).isEqualTo(badDigest);
  }

  @Test
  void aDeniedManifestAnswers403WithTheDistributionBodyToGetAndHead() throws Exception {
    DENIED.put(badDigest, "quarantined: \"unscanned\"");
    HttpResponse<String> get = send("GET", "/v2/team/bad/manifests/1", Map.of("Accept", MANIFEST_ACCEPT));
    assertThat(get.statusCode()).isEqualTo(403);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(get.body()).isEqualTo("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"quarantined: \\\"unscanned\\\"\"}]}");
    assertThat(get.headers().firstValue("Docker-Content-Digest")).isEmpty();

    assertThat(send("HEAD", "/v2/team/bad/manifests/1", Map.of("Accept", MANIFEST_ACCEPT)).statusCode()).isEqualTo(403);
    assertThat(send("HEAD", "/v2/team/bad/manifests/" + badDigest, Map.of("Accept", MANIFEST_ACCEPT)).statusCode()).isEqualTo(403);
    HttpResponse<String> allowed = send("HEAD", "/v2/team/app/manifests/1", Map.of("Accept", MANIFEST_ACCEPT));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Docker-Content-Digest")).hasValue(appDigest.toString());
  }

  @Test
  void aPolicyThatThrowsClosesTheGate() throws Exception {
    POLICY_THROWS.set(true);
    // skopeo prints only the status of a 503, not its body
    assertThatThrownBy(() -> Skopeo.inspect("docker://" + gateHost() + "/team/app:1", "--tls-verify=false"))
        .hasMessageContaining("503");
    HttpResponse<String> r = send("GET", "/v2/team/app/manifests/1", Map.of("Accept", MANIFEST_ACCEPT));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(r.body()).at("/errors/0/code").asText()).isEqualTo("UNAVAILABLE");
    assertThat(JSON.readTree(r.body()).at("/errors/0/message").asText()).contains("could not decide").doesNotContain("database");
    assertThat(PROBLEMS).anyMatch(line -> line.contains("team/app:1") && line.contains("database is gone"));
  }

  @Test
  void unknownManifestsAndTheRestOfTheApiPassThroughUnchanged() throws Exception {
    HttpResponse<String> missing = send("GET", "/v2/team/app/manifests/nope", Map.of("Accept", MANIFEST_ACCEPT));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).at("/errors/0/code").asText()).isEqualTo("MANIFEST_UNKNOWN");
    for (String path : List.of("/v2/", "/v2/_catalog", "/v2/team/app/tags/list")) {
      HttpResponse<String> through = send("GET", path, Map.of());
      HttpResponse<String> direct = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(through.statusCode()).as(path).isEqualTo(direct.statusCode());
      assertThat(through.body()).as(path).isEqualTo(direct.body());
    }
  }

  @Test
  void uploadLocationsPointAtTheGate() throws Exception {
    HttpResponse<String> r = send("POST", "/v2/team/app/blobs/uploads/", Map.of());
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.headers().firstValue("Location")).hasValueSatisfying(
        location -> assertThat(location).startsWith("http://" + gateHost() + "/v2/team/app/blobs/uploads/"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/v2/Team/app/manifests/1",
      "/v2/team/../etc/manifests/1",
      "/v2/team/%2e%2e/etc/manifests/1",
      "/v2/team%2Fapp/manifests/1",
      "/v2/team//app/manifests/1",
      "/v2/-team/app/manifests/1",
      "/v2/team/app/manifests/..",
      "/v2/team/app/manifests/sha256:abc",
      "/v2/team/app/blobs/not-a-digest",
      "/v2/team/app%00/tags/list",
      "/v2/team/app/blobs/uploads/..",
  })
  void invalidNamesAreRefusedWith400AndNeverForwarded(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, Map.of());
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).at("/errors/0");
    assertThat(error.path("code").asText()).as(path).isIn("NAME_INVALID", "TAG_INVALID", "DIGEST_INVALID", "BLOB_UPLOAD_INVALID");
    assertThat(registry.log()).doesNotContain(path.substring("/v2/".length()));
  }

  @Test
  void oversizeHeadersAreRefused() throws Exception {
    HttpResponse<String> r = send("GET", "/v2/", Map.of("X-Padding", "a".repeat(64 * 1024)));
    assertThat(r.statusCode()).isEqualTo(431);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void tokenChallengesAndCredentialsPassThroughUntouched(@TempDir Path dir) throws Exception {
    try (RegistryTokenServer tokens = RegistryTokenServer.start("alice", "secret");
        RegistryProcess secured = RegistryProcess.start(RegistryProcess.Options.tokenAuth(tokens));
        PullGate front = PullGate.start(PullGate.Options.of("127.0.0.1", 0, URI.create(secured.url())),
            (repository, reference, digest) -> DENIED.containsKey(digest) ? Admission.deny("held") : Admission.pass(),
            PROBLEMS::add)) {
      String through = "docker://127.0.0.1:" + front.port() + "/team/app:1";
      Skopeo.copy("oci:" + images.resolve("app") + ":latest", through, List.of("--dest-tls-verify=false", "--dest-creds", "alice:secret"));
      Skopeo.copy(through, "oci:" + dir.resolve("out") + ":x", List.of("--src-tls-verify=false", "--src-creds", "alice:secret"));
      assertThat(blobs(dir.resolve("out"))).containsKey(appDigest.hex());
      assertThat(tokens.requests()).anyMatch(r -> "alice".equals(r.user()));
      assertThatThrownBy(() -> Skopeo.inspect(through, "--tls-verify=false", "--creds", "alice:wrong")).isInstanceOf(IOException.class);
      DENIED.put(appDigest, "held");
      assertThatThrownBy(() -> Skopeo.inspect(through, "--tls-verify=false", "--creds", "alice:secret")).hasMessageContaining("held");
    }
  }

  @Test
  void anUnreachableUpstreamAnswers502WithADistributionError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<String> problems = new CopyOnWriteArrayList<>();
    PullGate.Options options = PullGate.Options.of("127.0.0.1", 0, URI.create("http://127.0.0.1:" + closedPort))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));
    try (PullGate down = PullGate.start(options, (r, ref, d) -> Admission.pass(), problems::add)) {
      for (String path : List.of("/v2/", "/v2/team/app/manifests/1")) {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(down.uri() + path)).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).at("/errors/0/code").asText()).isEqualTo("UNAVAILABLE");
      }
      assertThat(problems).hasSize(2).allMatch(line -> line.contains("127.0.0.1:" + closedPort) && !line.contains("\n"));
    }
  }

  private static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + gateHost() + path)).timeout(Duration.ofSeconds(60))
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
