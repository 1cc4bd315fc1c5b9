package dev.portcullis.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.ApiClient;
import dev.portcullis.server.Server;
import dev.portcullis.server.ServerFixtures;
import dev.portcullis.server.config.ConfigFile;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.testkit.KubeApiServer;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.TestPki;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis admission serve} as a process of its own: the standalone webhooks over HTTPS
 * (a test CA), asking a real {@code portcullis server} for facts with an agent token and reporting
 * their decisions to its audit trail, called with real AdmissionReview bodies.
 */
class AdmissionServeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE = "registry.example/team/app@sha256:" + "ab".repeat(32);

  @TempDir static Path dir;
  static Server server;
  static int serverPort;
  static StandaloneWebhook webhook;
  static HttpClient https;
  static String auditor;
  static final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
  static final ByteArrayOutputStream webhookLog = new ByteArrayOutputStream();

  @BeforeAll
  static void serverAndWebhook() throws Exception {
    serverPort = RegistryProcess.freePort();
    server = ServerFixtures.start(ServerFixtures.offlineConfig(dir, serverPort, ""), serverLog);
    String agent = ServerFixtures.token(serverPort, "standalone-webhook", List.of("agent:**"));
    auditor = ServerFixtures.token(serverPort, "auditor", List.of("auditor:**"));
    Files.writeString(dir.resolve("agent.token"), agent + "\n");
    TestPki.ServerTls tls = TestPki.serverTls(Files.createDirectories(dir.resolve("tls")));
    Path config = dir.resolve("admission.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        tls: {certificate: %s, key: %s}
        server: {url: "http://127.0.0.1:%d", tokenFile: agent.token}
        stages:
          prod:
            admission:
              podSecurity: restricted
              onMissing: deny
        admission:
          namespaces: {payments: prod}
          ignoreNamespaces: [kube-system, portcullis]
          maxRequestBytes: 65536
        """.formatted(tls.certificate(), tls.privateKey(), serverPort));
    ServerConfig.Webhook read = switch (ConfigFile.readWebhook(config, Map.of())) {
      case ConfigFile.WebhookResult.Valid v -> v.config();
      case ConfigFile.WebhookResult.Invalid i -> throw new AssertionError(i.problems());
    };
    webhook = StandaloneWebhook.start(read, new PrintStream(webhookLog, true, StandardCharsets.UTF_8), Clock.systemUTC());
    https = HttpClient.newBuilder().sslContext(dev.portcullis.oci.registry.TrustStores.withExtraCas(tls.caCertificate())).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A restricted-compliant Pod: only its image is wrong. */
  private static String review(String uid, String namespace, String name, String image) {
    return """
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
          "uid": "%1$s", "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "namespace": "%2$s", "name": "%3$s", "operation": "CREATE", "userInfo": {"username": "alice"}, "dryRun": false,
          "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%3$s", "namespace": "%2$s"}, "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "app", "image": "%4$s", "securityContext": {"allowPrivilegeEscalation": false,
              "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}}]}}}}
        """.formatted(uid, namespace, name, image);
  }

  private static HttpResponse<String> post(String path, byte[] body) throws Exception {
    return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.port() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode answer(String path, String review) throws Exception {
    HttpResponse<String> r = post(path, review.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body() + "\nwebhook log:\n" + webhookLog.toString(StandardCharsets.UTF_8)).isEqualTo(200);
    return JSON.readTree(r.body()).get("response");
  }

  @Test
  void anImageTheServerKnowsNothingOfIsDeniedAndTheDecisionReachesItsAuditTrail() throws Exception {
    String name = "web-" + UUID.randomUUID().toString().substring(0, 6);
    JsonNode response = answer("/admission/validate/prod", review("uid-1", "team", name, IMAGE));
    assertThat(response.get("uid").asText()).isEqualTo("uid-1");
    assertThat(response.get("allowed").asBoolean()).isFalse();
    assertThat(response.at("/status/code").asInt()).isEqualTo(403);
    assertThat(response.at("/status/message").asText()).startsWith("portcullis: denied by stage prod: ").contains("PCS-ADM-003");

    // the decision is a JSON line on the webhook's log at once, and an audit record on the server soon after
    JsonNode line = logLine("team/Pod/" + name);
    assertThat(line.get("outcome").asText()).isEqualTo("denied");
    assertThat(line.get("stage").asText()).isEqualTo("prod");
    assertThat(line.get("user").asText()).isEqualTo("alice");
    assertThat(line.get("reason").asText()).startsWith("validate at prod for alice, CREATE: denied: ").contains("PCS-ADM-003");
    JsonNode record = auditRecord("team/Pod/" + name);
    assertThat(record.get("outcome").asText()).isEqualTo("denied");
    assertThat(record.get("actorName").asText()).isEqualTo("standalone-webhook");
    assertThat(record.get("reason").asText()).startsWith("webhook: refuse: ").contains("PCS-ADM-003");
  }

  @Test
  void theStageComesFromTheNamespaceMappingAndIgnoredNamespacesPassUnchecked() throws Exception {
    JsonNode mapped = answer("/admission/validate", review("uid-2", "payments", "pay", IMAGE));
    assertThat(mapped.get("allowed").asBoolean()).isFalse();
    assertThat(mapped.at("/status/message").asText()).contains("PCS-ADM-003");

    JsonNode ignored = answer("/admission/validate", review("uid-3", "portcullis", "self", IMAGE));
    assertThat(ignored.get("allowed").asBoolean()).isTrue();
    // unmapped with no default stage: nothing to check
    assertThat(answer("/admission/validate", review("uid-4", "elsewhere", "x", IMAGE)).get("allowed").asBoolean()).isTrue();
    // even the path's stage does not apply to an ignored namespace
    assertThat(answer("/admission/validate/prod", review("uid-5", "kube-system", "dns", IMAGE)).get("allowed").asBoolean()).isTrue();
  }

  @Test
  void anUnknownTagIsLeftAsItIsByTheMutatingWebhook() throws Exception {
    JsonNode response = answer("/admission/mutate/prod", review("uid-6", "team", "tagged", "registry.example/team/app:1"));
    assertThat(response.get("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
    assertThat(logLine("team/Pod/tagged").get("reason").asText()).contains("unknown tags left as they are: registry.example/team/app:1");
  }

  @Test
  void badRequestsAreRefusedWithTheirStatus() throws Exception {
    HttpResponse<String> garbage = post("/admission/validate/prod", "{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(garbage.body()).get("message").asText()).startsWith("not a JSON AdmissionReview");

    HttpResponse<String> noUid = post("/admission/validate/prod", review("", "team", "x", IMAGE).getBytes(StandardCharsets.UTF_8));
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noUid.body()).get("message").asText()).isEqualTo("the AdmissionReview's request has no valid uid");

    byte[] huge = new byte[65_537];
    java.util.Arrays.fill(huge, (byte) ' ');
    HttpResponse<String> tooLarge = post("/admission/validate/prod", huge);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooLarge.body()).get("code").asText()).isEqualTo("TOO_LARGE");

    HttpResponse<String> noStage = post("/admission/validate/staging", review("uid-7", "team", "x", IMAGE).getBytes(StandardCharsets.UTF_8));
    assertThat(noStage.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noStage.body()).get("message").asText()).startsWith("no admission settings for stage staging");
  }

  @Test
  void healthAndReadinessAnswerOverHttpsOnly() throws Exception {
    for (String path : List.of("/healthz", "/readyz")) {
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.port() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).get("status").asText()).isEqualTo("ok");
    }
    // the port does not speak plain HTTP: no answer is a webhook answer
    boolean plainAnswered;
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/healthz"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      plainAnswered = r.statusCode() == 200;
    } catch (java.io.IOException e) {
      plainAnswered = false;
    }
    assertThat(plainAnswered).isFalse();
  }

  /** kubectl against a real API server that calls the standalone webhook: the denial as a user reads it. */
  @Test
  void kubectlApplyIsDeniedWithTheRuleNamed() throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    String ns = "serve-" + UUID.randomUUID().toString().substring(0, 6);
    String caBundle = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("tls").resolve("ca.pem")));
    String configuration = "validatingwebhookconfiguration/" + ns;
    try {
      Tools.Result setup = kube.kubectl().apply("""
          apiVersion: v1
          kind: Namespace
          metadata: {name: %1$s, labels: {portcullis.dev/stage: prod, portcullis.dev/serve-it: %1$s}}
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata: {name: %1$s}
          webhooks:
          - name: prod.validate.portcullis.dev
            admissionReviewVersions: ["v1"]
            sideEffects: None
            failurePolicy: Fail
            timeoutSeconds: 5
            namespaceSelector: {matchLabels: {portcullis.dev/stage: prod, portcullis.dev/serve-it: %1$s}}
            objectSelector: {}
            clientConfig: {url: "https://127.0.0.1:%2$d/admission/validate/prod", caBundle: %3$s}
            rules: [{operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"]}]
          """.formatted(ns, webhook.port(), caBundle));
      assertThat(setup.exitCode()).as(setup.stderr()).isZero();
      Path pod = Files.writeString(dir.resolve(ns + "-pod.yaml"), """
          apiVersion: v1
          kind: Pod
          metadata: {name: web, namespace: %s}
          spec:
            securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
            containers:
            - name: app
              image: "%s"
              securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          """.formatted(ns, IMAGE));
      // retried while the API server has not picked the configuration up yet
      Tools.Result r = kube.kubectl().runUntil(Duration.ofSeconds(30), x -> x.stderr().contains("portcullis"),
          List.of("apply", "-f", pod.toString()));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.stderr()).contains("admission webhook \"prod.validate.portcullis.dev\" denied the request", "PCS-ADM-003");
      assertThat(auditRecord(ns + "/Pod/web").get("outcome").asText()).isEqualTo("denied");
    } finally {
      kube.kubectl().run("delete", configuration, "--ignore-not-found");
      kube.kubectl().run("delete", "namespace", ns, "--ignore-not-found", "--wait=false");
    }
  }

  private static JsonNode logLine(String target) throws Exception {
    for (String line : webhookLog.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains("\"target\":\"" + target + "\"")) {
        return JSON.readTree(line);
      }
    }
    throw new AssertionError("no log line for " + target + " in:\n" + webhookLog.toString(StandardCharsets.UTF_8));
  }

  /** The audit record of the decision on {@code target}, waiting for the background report (at most its deadline and some). */
  private static JsonNode auditRecord(String target) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = ApiClient.withToken(serverPort, auditor).get("/v1/audit?action=reportAdmission&limit=100").json();
      for (JsonNode r : last.path("records")) {
        if (r.path("target").asText().equals(target)) {
          return r;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no audit record of " + target + " (last answer: " + last + "); webhook log:\n"
        + webhookLog.toString(StandardCharsets.UTF_8) + "\nserver log:\n" + serverLog.toString(StandardCharsets.UTF_8));
  }

}
