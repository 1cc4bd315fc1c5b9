package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.CosignVerifier;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.Requirement;
import dev.portcullis.sign.Verification;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against a real registry that sends it its events: images become passed or
 * quarantined without anyone asking, passing ones carry the server's verdict and SBOM
 * attestations, and a sweep finds what was pushed while the server was down.
 */
class ServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "notify-secret-for-tests";

  @TempDir Path dir;
  private RegistryProcess registry;
  private int serverPort;
  private int gatePort;
  private Path config;
  private Path publicKey;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Server server;
  /** A token with every role: what the calls that are not about permissions use. */
  private String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    serverPort = RegistryProcess.freePort();
    gatePort = RegistryProcess.freePort();
    registry = RegistryProcess.start(RegistryProcess.Options.plain()
        .withNotifications("http://127.0.0.1:" + serverPort + "/v1/notifications/dev", SECRET));
    Path[] keys = ServerFixtures.keyPair(dir);
    publicKey = keys[1];
    Path db = ServerFixtures.database(dir);
    ServerFixtures.write(dir.resolve("secret"), SECRET + "\n");
    config = dir.resolve("server.yaml");
    ServerFixtures.write(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 2
        vulnerabilityDatabase: %s
        signatureGrace: 1s
        sweepInterval: 0
        signing:
          key: server.key
        notifications:
          secretFile: secret
        jobs:
          maxAttempts: 2
          backoff: 1s
        registries:
          - name: down
            url: http://127.0.0.1:%d
            stage: prod
          - name: dev
            url: http://%s
            stage: prod
            gate:
              listen: 127.0.0.1:%d
        """.formatted(serverPort, db, RegistryProcess.freePort(), registry.host(), gatePort) + ServerFixtures.auth(dir));
    server = startServer();
    token = ServerFixtures.token(serverPort, "server-it", ServerFixtures.ALL_ROLES);
  }

  private Server startServer() throws Exception {
    return Server.start(new Server.Options(config, Optional.empty(), Optional.empty(), false, "test",
        new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }

  private String push(Path layout, String refName, String repoTag) throws Exception {
    Skopeo.copy("oci:" + layout + ":" + refName, "docker://" + registry.host() + "/" + repoTag, Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    JsonNode inspect = JSON.readTree(Skopeo.inspect("docker://" + registry.host() + "/" + repoTag, "--tls-verify=false"));
    return inspect.get("Digest").asText();
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    com.fasterxml.jackson.databind.node.ObjectNode o = r.body().startsWith("{")
        ? (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.body()) : JSON.createObjectNode().put("_text", r.body());
    return o.put("_status", r.statusCode());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path)).header("Content-Type", contentType)
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits (bounded) until the image has a decided state in the registry "dev"; returns its entry. */
  private JsonNode decided(String digest) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode image = get("/v1/images/" + digest);
      if (image.get("_status").asInt() == 200) {
        JsonNode entry = image.get("registries").get(0);
        String state = entry.get("image").get("state").asText();
        if (List.of("passed", "warned", "quarantined").contains(state)) {
          return entry;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("image " + digest + " was not decided in time; server log:\n" + log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void pushedImagesAreDecidedWithoutAnyCommandAndPassingOnesAreReSigned() throws Exception {
    String clean = push(ServerFixtures.clean(dir, "one"), "clean", "app:1.0");
    String leaking = push(ServerFixtures.leaking(dir), "leaking", "app:leaky");

    JsonNode passed = decided(clean);
    assertThat(passed.get("image").get("state").asText()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo("passed");
    assertThat(passed.get("transitions").findValuesAsText("to")).containsExactly("pending", "scanning", "passed");
    assertThat(passed.get("transitions").get(0).get("actor").asText()).isEqualTo("registry dev");
    assertThat(passed.get("names").findValuesAsText("tag")).contains("1.0");

    JsonNode quarantined = decided(leaking);
    assertThat(quarantined.get("image").get("state").asText()).isEqualTo("quarantined");
    assertThat(quarantined.get("image").get("summary").asText()).startsWith("deny at prod: ").contains("secrets ship in the image: PCS-SECRET-")
        .contains("score ").doesNotContain("S3rverT0ken");

    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), new ProgressListener() {})) {
      CosignVerifier verifier = new CosignVerifier(new CosignStore(client), Clock.systemUTC());
      ImageRef ref = ImageRef.parse(registry.host() + "/app@" + clean);
      var key = List.of(PublicKeys.read(publicKey));
      assertThat(verifier.verify(ref, new Requirement.Attested(key, PredicateTypes.VERDICT, Optional.empty())))
          .isInstanceOf(Verification.Verified.class);
      assertThat(verifier.verify(ref, new Requirement.Attested(key, PredicateTypes.CYCLONEDX, Optional.empty())))
          .isInstanceOf(Verification.Verified.class);
      assertThat(verifier.verify(ImageRef.parse(registry.host() + "/app@" + leaking),
          new Requirement.Attested(key, PredicateTypes.VERDICT, Optional.empty()))).isNotInstanceOf(Verification.Verified.class);
    }

    // openssl, as an independent implementation, accepts both DSSE envelopes the server attached
    JsonNode att = JSON.readTree(Skopeo.rawManifest("docker://" + registry.host() + "/app:sha256-" + clean.substring(7) + ".att",
        "--tls-verify=false"));
    List<String> predicateTypes = new ArrayList<>();
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), new ProgressListener() {})) {
      for (JsonNode layer : att.get("layers")) {
        byte[] envelopeBytes;
        try (var in = client.blob(ImageRef.parse(registry.host() + "/app"), new dev.portcullis.oci.Descriptor(layer.get("mediaType").asText(),
            dev.portcullis.core.Digest.parse(layer.get("digest").asText()), layer.get("size").asLong()))) {
          envelopeBytes = in.readAllBytes();
        }
        JsonNode envelope = JSON.readTree(envelopeBytes);
        String type = envelope.get("payloadType").asText();
        byte[] payload = java.util.Base64.getDecoder().decode(envelope.get("payload").asText());
        // DSSE's pre-authentication encoding, written out by hand
        java.io.ByteArrayOutputStream pae = new java.io.ByteArrayOutputStream();
        pae.writeBytes(("DSSEv1 " + type.getBytes(StandardCharsets.UTF_8).length + " " + type + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8));
        pae.writeBytes(payload);
        Path message = java.nio.file.Files.write(dir.resolve("pae-" + predicateTypes.size()), pae.toByteArray());
        Path signature = java.nio.file.Files.write(dir.resolve("sig-" + predicateTypes.size()),
            java.util.Base64.getDecoder().decode(envelope.get("signatures").get(0).get("sig").asText()));
        assertThat(dev.portcullis.testkit.Tools.run(Duration.ofSeconds(30), "openssl", "dgst", "-sha256", "-verify", publicKey.toString(),
            "-signature", signature.toString(), message.toString()).stdoutText()).isEqualTo("Verified OK\n");
        JsonNode statement = JSON.readTree(payload);
        assertThat(statement.get("subject").get(0).get("digest").get("sha256").asText()).isEqualTo(clean.substring(7));
        predicateTypes.add(statement.get("predicateType").asText());
      }
    }
    assertThat(predicateTypes).containsExactlyInAnyOrder(PredicateTypes.VERDICT, PredicateTypes.CYCLONEDX);

    // a JUnit report (this build's own, when its unit tests ran before) attested through the API with the server's key
    Path reports = Path.of("target", "surefire-reports");
    Optional<Path> report = java.nio.file.Files.isDirectory(reports)
        ? java.nio.file.Files.list(reports).filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().findFirst()
        : Optional.empty();
    byte[] xml = report.isPresent() ? java.nio.file.Files.readAllBytes(report.get())
        : "<testsuite name=\"t\" tests=\"1\"><testcase classname=\"a.B\" name=\"c\"/></testsuite>".getBytes(StandardCharsets.UTF_8);
    String testResults = "/v1/images/" + clean + "/test-results?registry=dev&repository=app";
    HttpResponse<String> attested = post(testResults, "application/xml", xml);
    assertThat(attested.statusCode()).as(attested.body()).isEqualTo(201);
    assertThat(JSON.readTree(attested.body()).get("result").asText()).isIn("PASSED", "WARNED");
    HttpResponse<String> hostile = post(testResults, "application/xml",
        "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><testsuite>&x;</testsuite>".getBytes(StandardCharsets.UTF_8));
    assertThat(hostile.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(hostile.body()).get("code").asText()).isEqualTo("BAD_REPORT");
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), new ProgressListener() {})) {
      assertThat(new CosignVerifier(new CosignStore(client), Clock.systemUTC()).verify(ImageRef.parse(registry.host() + "/app@" + clean),
          new Requirement.Attested(List.of(PublicKeys.read(publicKey)), PredicateTypes.TEST_RESULT, Optional.empty())))
          .isInstanceOf(Verification.Verified.class);
    }

    // the pull gate: the quarantined image is refused with the reasons, the passed one comes through unchanged
    String gate = "docker://127.0.0.1:" + gatePort + "/app:";
    assertThatThrownBy(() -> Skopeo.inspect(gate + "leaky", "--tls-verify=false"))
        .hasMessageContaining("quarantined: deny at prod").hasMessageContaining("secrets ship in the image");
    assertThat(JSON.readTree(Skopeo.inspect(gate + "1.0", "--tls-verify=false")).get("Digest").asText()).isEqualTo(clean);
    assertThat(Skopeo.rawManifest(gate + "1.0", "--tls-verify=false"))
        .isEqualTo(Skopeo.rawManifest("docker://" + registry.host() + "/app:1.0", "--tls-verify=false"));

    // a manual release: asked for with a justification by alice, who may decide releases too but not her own request;
    // approved by bob, and then the gate lets it through
    ApiClient alice = ServerFixtures.user(serverPort, "alice", List.of("developer:**", "security:**"));
    ApiClient bob = ServerFixtures.user(serverPort, "bob", List.of("security:**"));
    ApiClient.Answer asked = alice.post("/v1/releases", "{\"registry\":\"dev\",\"digest\":\"" + leaking + "\","
        + "\"justification\":\"test token, revoked (TICKET-42)\"}");
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    assertThat(asked.json().get("requester").asText()).isEqualTo("user:alice");
    String releaseId = asked.json().get("id").asText();
    ApiClient.Answer self = alice.post("/v1/releases/" + releaseId + "/approve", "{}");
    assertThat(self.status()).as(self.body()).isEqualTo(403);
    assertThat(self.json().get("code").asText()).isEqualTo("SELF_APPROVAL");
    assertThatThrownBy(() -> Skopeo.inspect(gate + "leaky", "--tls-verify=false")).hasMessageContaining("quarantined");
    ApiClient.Answer approved = bob.post("/v1/releases/" + releaseId + "/approve", "{\"reason\":\"checked the revocation\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode released = get("/v1/images/" + leaking).get("registries").get(0);
    assertThat(released.get("image").get("state").asText()).isEqualTo("released");
    JsonNode last = released.get("transitions").get(released.get("transitions").size() - 1);
    assertThat(last.get("actor").asText()).isEqualTo("user:bob");
    assertThat(last.get("reason").asText()).isEqualTo("released on request of user:alice: test token, revoked (TICKET-42)");
    assertThat(JSON.readTree(Skopeo.inspect(gate + "leaky", "--tls-verify=false")).get("Digest").asText()).isEqualTo(leaking);
    assertThat(alice.post("/v1/releases", "{\"registry\":\"dev\",\"digest\":\"" + clean + "\","
        + "\"justification\":\"not quarantined at all\"}").status()).isEqualTo(409);

    JsonNode assessment = get("/v1/images/" + clean + "/assessment");
    assertThat(assessment.get("_status").asInt()).isEqualTo(200);
    assertThat(assessment.get("decisions").fieldNames()).toIterable().containsExactlyInAnyOrder("dev", "test", "prod");
    assertThat(assessment.get("decisions").get("prod").get("decision").asText()).isEqualTo("allow");

    // the attestations the server pushed are announced as events too: they never become images of their own
    Thread.sleep(2000);
    JsonNode images = get("/v1/images?limit=100");
    assertThat(images.get("images").findValuesAsText("digest")).containsExactlyInAnyOrder(clean, leaking);
    assertThat(get("/metrics").get("_text").asText()).contains("portcullis_scan_duration_seconds_count 2");
    // each attestation pushed beside the passing image had admission's facts of it read again, once per attestation manifest
    List<JsonNode> evidence = new ArrayList<>();
    get("/v1/jobs?limit=100").get("jobs").forEach(j -> {
      if (j.get("kind").asText().equals("evidence")) {
        evidence.add(j);
      }
    });
    assertThat(evidence).isNotEmpty().allSatisfy(j -> {
      assertThat(j.get("digest").asText()).isEqualTo(clean);
      assertThat(j.get("state").asText()).isEqualTo("done");
    });
    JsonNode facts = get("/v1/admission/facts?image=" + registry.host() + "/app@" + clean);
    assertThat(facts.get("_status").asInt()).isEqualTo(200);
    assertThat(facts.get("facts").get("verdicts").findValuesAsText("stage")).contains("prod");
  }

  @Test
  void anImageIndexIsDecidedAndItsScannedPlatformManifestPassesTheGateWithIt() throws Exception {
    // pushed while the server is down: the sweep finds the index by its tag, and nothing announces the platform manifest
    server.close();
    server = null;
    Path layout = ServerFixtures.indexed(dir);
    Skopeo.copy("oci:" + layout + ":clean", "docker://" + registry.host() + "/multi:1",
        List.of("--all", "--dest-tls-verify=false"));
    server = startServer();
    byte[] raw = Skopeo.rawManifest("docker://" + registry.host() + "/multi:1", "--tls-verify=false");
    assertThat(JSON.readTree(raw).has("manifests")).as("the registry holds an index").isTrue();
    String index = dev.portcullis.testkit.OciLayoutBuilder.sha256(raw);
    assertThat(decided(index).get("image").get("state").asText()).isEqualTo("passed");
    // a client on linux/amd64 reads the index, then the platform manifest by digest: both pass the gate
    Path pulled = dir.resolve("pulled");
    Skopeo.copy("docker://127.0.0.1:" + gatePort + "/multi:1", "oci:" + pulled + ":multi", Skopeo.CopyOption.SRC_NO_TLS_VERIFY);
    assertThat(java.nio.file.Files.isRegularFile(pulled.resolve("index.json"))).isTrue();
  }

  @Test
  void theSweepFindsImagesPushedWhileTheServerWasDownAndRepeatedEventsScanOnce() throws Exception {
    server.close();
    server = null;
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      digests.add(push(ServerFixtures.clean(dir, "down-" + i), "clean", "down:" + i));
    }
    server = startServer();
    for (String d : digests) {
      assertThat(decided(d).get("image").get("state").asText()).isEqualTo("passed");
    }
    // the registry's own events for these pushes were lost; replay an envelope twice by hand
    String envelope = """
        {"events":[{"id":"e1","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s",
        "repository":"down","tag":"0"}}]}""".formatted(digests.get(0));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/v1/notifications/dev"))
          .header("Content-Type", "application/vnd.docker.distribution.events.v1+json").header("Authorization", "Bearer " + SECRET)
          .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("known").asInt()).isEqualTo(1);
    }
    JsonNode jobs = get("/v1/jobs?limit=100");
    for (String d : digests) {
      List<JsonNode> mine = new ArrayList<>();
      jobs.get("jobs").forEach(j -> {
        if (j.get("digest").asText().equals(d) && j.get("kind").asText().equals("scan")) {
          mine.add(j);
        }
      });
      assertThat(mine).as("jobs of " + d).singleElement().satisfies(j -> {
        assertThat(j.get("state").asText()).isEqualTo("done");
        assertThat(j.get("attempts").asInt()).isEqualTo(1);
      });
    }
  }

  @Test
  void badNotificationsAreRefusedWithJsonErrorsAndTheServerKeepsWorking() throws Exception {
    record Case(String path, String auth, String type, String body, int status, String code) {}
    List<Case> cases = List.of(
        new Case("/v1/notifications/dev", "Bearer wrong", "application/json", "{\"events\":[]}", 401, "UNAUTHORIZED"),
        new Case("/v1/notifications/nowhere", "Bearer " + SECRET, "application/json", "{\"events\":[]}", 404, "NOT_FOUND"),
        new Case("/v1/notifications/dev", "Bearer " + SECRET, "text/plain", "{\"events\":[]}", 415, "UNSUPPORTED_MEDIA_TYPE"),
        new Case("/v1/notifications/dev", "Bearer " + SECRET, "application/json", "{\"events\":", 400, "BAD_REQUEST"),
        new Case("/v1/notifications/dev", "Bearer " + SECRET, "application/json", "[1,2]", 400, "BAD_REQUEST"),
        new Case("/v1/notifications/dev", "Bearer " + SECRET, "application/json", "{\"events\":[" + "{},".repeat(300_000) + "{}]}", 413,
            "TOO_LARGE"),
        new Case("/v1/images/sha256:nothex", "Bearer " + token, "", "", 400, "BAD_REQUEST"),
        new Case("/v1/images/sha256:" + "0".repeat(64), "Bearer " + token, "", "", 404, "NOT_FOUND"),
        new Case("/v1/nothing", "Bearer " + token, "", "", 404, "NOT_FOUND"),
        new Case("/v1/images/sha256:" + "0".repeat(64), "", "", "", 401, "UNAUTHORIZED"),
        new Case("/v1/images/sha256:" + "0".repeat(64), "Bearer pcs_wrong", "", "", 401, "UNAUTHORIZED"));
    for (Case c : cases) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + c.path()));
      if (!c.auth().isEmpty()) {
        b.header("Authorization", c.auth());
      }
      if (!c.type().isEmpty()) {
        b.header("Content-Type", c.type()).POST(HttpRequest.BodyPublishers.ofString(c.body()));
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(c.path() + " " + c.body().length() + ": " + r.body()).isEqualTo(c.status());
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("code").asText()).isEqualTo(c.code());
      assertThat(body.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }
    // a malformed event among good ones is skipped, the rest is read
    String mixed = """
        {"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:zz","repository":"a"}},
        {"action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","repository":"a"}}]}"""
        .formatted("1".repeat(64));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/v1/notifications/dev"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + SECRET).POST(HttpRequest.BodyPublishers.ofString(mixed))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("ignored").asInt()).isEqualTo(2);
    // a registry that does not answer: the job is retried with backoff, then dead with the reason, and nothing else stops
    String nowhere = "sha256:" + "c".repeat(64);
    HttpResponse<String> queued = post("/v1/scans", "{\"registry\":\"down\",\"repository\":\"app\",\"digest\":\"" + nowhere + "\"}");
    assertThat(queued.statusCode()).isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode dead = null;
    while (dead == null && System.nanoTime() < deadline) {
      for (JsonNode j : get("/v1/jobs?state=dead").get("jobs")) {
        if (j.get("digest").asText().equals(nowhere)) {
          dead = j;
        }
      }
      Thread.sleep(200);
    }
    assertThat(dead).as("the job for the unreachable registry never became dead").isNotNull();
    assertThat(dead.get("attempts").asInt()).isEqualTo(2);
    assertThat(dead.get("lastError").asText()).contains("127.0.0.1").doesNotContain("\tat ");
    String clean = push(ServerFixtures.clean(dir, "after-bad"), "clean", "app:after");
    assertThat(decided(clean).get("image").get("state").asText()).isEqualTo("passed");
  }
}
