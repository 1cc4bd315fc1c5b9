package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.promotion.Promoter;
import dev.portcullis.sign.CosignVerifier;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotions through the API between two real registries: the stage's gate on the stored
 * assessment, the copy at the same digest with a promotion attestation that verifies at the
 * destination, and a stage that waits for an approver other than the requester.
 */
class PromotionApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private RegistryProcess dev;
  private RegistryProcess prod;
  private Server server;
  private int port;
  private Path publicKey;
  /** A token with every role, for the reads. */
  private String token;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    port = RegistryProcess.freePort();
    dev = RegistryProcess.start(RegistryProcess.Options.plain().withNotifications("http://127.0.0.1:" + port + "/v1/notifications/dev", null));
    prod = RegistryProcess.start();
    publicKey = ServerFixtures.keyPair(dir)[1];
    Path config = dir.resolve("server.yaml");
    ServerFixtures.write(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 2
        vulnerabilityDatabase: %s
        signatureGrace: 0s
        sweepInterval: 0
        signing:
          key: server.key
        stages:
          prod: {approval: required}
        registries:
          - name: dev
            url: http://%s
            stage: dev
          - name: prod
            url: http://%s
            stage: prod
        """.formatted(port, ServerFixtures.database(dir), dev.host(), prod.host()) + ServerFixtures.auth(dir));
    server = Server.start(new Server.Options(config, Optional.empty(), Optional.empty(), false, "test",
        new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC()));
    token = ServerFixtures.token(port, "promotion-it", ServerFixtures.ALL_ROLES);
  }

  @AfterEach
  void stop() {
    server.close();
    dev.close();
    prod.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String push(Path layout, String refName, String repoTag) throws Exception {
    Skopeo.copy("oci:" + layout + ":" + refName, "docker://" + dev.host() + "/" + repoTag, Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    return JSON.readTree(Skopeo.inspect("docker://" + dev.host() + "/" + repoTag, "--tls-verify=false")).get("Digest").asText();
  }

  private void awaitState(String digest, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = send("GET", "/v1/images/" + digest, null);
      if (r.statusCode() == 200 && JSON.readTree(r.body()).get("registries").get(0).get("image").get("state").asText().equals(state)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(digest + " never became " + state + ":\n" + log);
  }

  private JsonNode request(String source, String tag, String stage, ApiClient requester) throws Exception {
    ApiClient.Answer r = requester.post("/v1/promotions", """
        {"sourceRegistry":"dev","sourceRepository":"app","sourceReference":"%s","destinationRegistry":"prod",
         "destinationRepository":"app","destinationTag":"%s","stage":"%s"}""".formatted(source, tag, stage));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json();
  }

  private JsonNode finished(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode p = JSON.readTree(send("GET", "/v1/promotions/" + id, null).body());
      if (List.of("promoted", "refused", "failed").contains(p.get("state").asText())) {
        return p;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("promotion " + id + " did not finish:\n" + log);
  }

  @Test
  void promotionsCopyVerifyAttestAndWaitForAnApproverWhereTheStageAsks() throws Exception {
    String clean = push(ServerFixtures.clean(dir, "promote"), "clean", "app:1.0");
    awaitState(clean, "passed");
    // alice asks and may approve promotions too, but not her own; bob and carol approve
    ApiClient alice = ServerFixtures.user(port, "alice", List.of("developer:**", "operator:**"));
    ApiClient bob = ServerFixtures.user(port, "bob", List.of("operator:**"));
    ApiClient carol = ServerFixtures.user(port, "carol", List.of("operator:**"));

    JsonNode toTest = finished(request("1.0", "1.0", "test", alice).get("id").asText());
    assertThat(toTest.get("state").asText()).as(toTest.toString()).isEqualTo("promoted");
    assertThat(toTest.get("digest").asText()).isEqualTo(clean);
    assertThat(JSON.readTree(Skopeo.inspect("docker://" + prod.host() + "/app:1.0", "--tls-verify=false")).get("Digest").asText())
        .isEqualTo(clean);
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), new ProgressListener() {})) {
      Verification v = new CosignVerifier(new CosignStore(client), Clock.systemUTC()).verify(ImageRef.parse(prod.host() + "/app@" + clean),
          new Requirement.Attested(List.of(PublicKeys.read(publicKey)), Promoter.PREDICATE_TYPE, Optional.empty()));
      assertThat(v).isInstanceOf(Verification.Verified.class);
    }

    JsonNode toProd = request(clean, "2.0", "prod", alice);
    assertThat(toProd.get("state").asText()).isEqualTo("awaiting-approval");
    assertThat(toProd.get("requester").asText()).isEqualTo("user:alice");
    String id = toProd.get("id").asText();
    ApiClient.Answer self = alice.post("/v1/promotions/" + id + "/approve", "{}");
    assertThat(self.status()).as(self.body()).isEqualTo(403);
    assertThat(self.json().get("code").asText()).isEqualTo("SELF_APPROVAL");
    Thread.sleep(1500);
    assertThat(JSON.readTree(send("GET", "/v1/promotions/" + id, null).body()).get("state").asText()).isEqualTo("awaiting-approval");
    ApiClient.Answer approved = bob.post("/v1/promotions/" + id + "/approve", "{\"reason\":\"release 2.0 signed off\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode done = finished(id);
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("promoted");
    assertThat(done.get("approver").asText()).isEqualTo("user:bob");
    assertThat(carol.post("/v1/promotions/" + id + "/approve", "{}").status()).isEqualTo(409);

    String leaking = push(ServerFixtures.leaking(dir), "leaking", "app:leaky");
    awaitState(leaking, "warned");
    String refusedId = request("leaky", "leaky", "prod", alice).get("id").asText();
    assertThat(bob.post("/v1/promotions/" + refusedId + "/approve", "{}").status()).isEqualTo(200);
    JsonNode refused = finished(refusedId);
    assertThat(refused.get("state").asText()).isEqualTo("refused");
    assertThat(refused.get("result").get("reasons").toString()).contains("secret");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(prod.url() + "/v2/app/manifests/leaky")).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).as("no tag written for a refused promotion").isEqualTo(404);
  }
}
