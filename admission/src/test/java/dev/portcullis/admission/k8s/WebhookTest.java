package dev.portcullis.admission.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Outcome;
import dev.portcullis.admission.StagePolicy;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.admission.Violation;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Digest WEB = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8));
  static final Digest UNKNOWN = Digest.sha256("unknown".getBytes(StandardCharsets.UTF_8));
  static final String APPROVED = "registry.example:5000/shop/web@" + WEB;
  static final String RESTRICTED_SC = """
      {"allowPrivilegeEscalation": false, "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}""";

  /** The server's state: one approved digest, one tag that points at it. */
  static final class State implements Evidence {
    final Map<Digest, ImageFacts> facts = new HashMap<>();
    final Map<String, Digest> tags = new HashMap<>();

    @Override
    public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) {
      return Optional.ofNullable(facts.get(digest));
    }

    @Override
    public Optional<Digest> resolve(ImageRef image, Instant deadline) {
      return Optional.ofNullable(tags.get(image.registry() + "/" + image.repository() + ":" + image.tagIfAny().orElse("")));
    }
  }

  final State state = new State();
  final Webhook webhook = new Webhook(state, Clock.fixed(NOW, ZoneOffset.UTC), 256 * 1024);

  WebhookTest() {
    state.facts.put(WEB, new ImageFacts(WEB, Optional.of(Standing.PASSED), "", List.of("key-a"),
        List.of(new VerdictEvidence("prod", "allow", 91, NOW.minus(Duration.ofDays(2)), "key-a")), NOW));
    state.tags.put("registry.example:5000/shop/web:1.4", WEB);
  }

  static StagePolicy policy(StagePolicy.PodSecurity level, StagePolicy.Mode mode) {
    return new StagePolicy("prod", true, true, Optional.of(new StagePolicy.VerdictRule("prod", List.of(), Duration.ofDays(30))), Set.of("key-a"),
        List.of("registry.example:5000"), false, level, StagePolicy.OnMissing.DENY, Duration.ofSeconds(2), mode);
  }

  static final StagePolicy PROD = policy(StagePolicy.PodSecurity.RESTRICTED, StagePolicy.Mode.ENFORCE);

  static byte[] resource(String name) throws IOException {
    try (InputStream in = WebhookTest.class.getResourceAsStream(name)) {
      return Objects.requireNonNull(in, name).readAllBytes();
    }
  }

  /** An AdmissionReview as kube-apiserver sends it for {@code object}. */
  static String review(String version, String group, String kind, String resource, String operation, String subResource, String object) {
    String gv = group.isEmpty() ? "\"group\": \"\", \"version\": \"v1\"" : "\"group\": \"" + group + "\", \"version\": \"v1\"";
    return """
        {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/%s",
         "request": {"uid": "b5f3ad7e-3c7d-4c8e-9a0b-7f0e4f1d2a61",
          "kind": {%s, "kind": "%s"}, "resource": {%s, "resource": "%s"}%s,
          "requestKind": {%s, "kind": "%s"}, "requestResource": {%s, "resource": "%s"},
          "name": "web", "namespace": "shop", "operation": "%s",
          "userInfo": {"username": "alice", "uid": "9f1c", "groups": ["devs", "system:authenticated"]},
          "object": %s, "oldObject": null, "dryRun": false,
          "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply"}}}
        """.formatted(version, gv, kind, gv, resource, subResource.isEmpty() ? "" : ", \"subResource\": \"" + subResource + "\"", gv, kind, gv,
        resource, operation, object);
  }

  static String review(String kind, String object) {
    String[] gr = switch (kind) {
      case "Pod" -> new String[] {"", "pods"};
      case "ReplicationController" -> new String[] {"", "replicationcontrollers"};
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" -> new String[] {"apps", kind.toLowerCase() + "s"};
      case "Job" -> new String[] {"batch", "jobs"};
      case "CronJob" -> new String[] {"batch", "cronjobs"};
      default -> new String[] {"example.dev", kind.toLowerCase() + "s"};
    };
    return review("v1", gr[0], kind, gr[1], "CREATE", "", object);
  }

  /** An object of {@code kind} whose pod spec is {@code podSpec}, as kubectl writes it. */
  static String object(String kind, String podSpec) {
    String api = switch (kind) {
      case "Pod", "ReplicationController" -> "v1";
      case "Job", "CronJob" -> "batch/v1";
      default -> "apps/v1";
    };
    String template = "{\"metadata\": {\"labels\": {\"app\": \"web\"}}, \"spec\": " + podSpec + "}";
    String spec = switch (kind) {
      case "Pod" -> podSpec;
      case "CronJob" -> "{\"schedule\": \"*/5 * * * *\", \"jobTemplate\": {\"spec\": {\"template\": " + template + "}}}";
      case "Job" -> "{\"backoffLimit\": 2, \"template\": " + template + "}";
      default -> "{\"replicas\": 1, \"selector\": {\"matchLabels\": {\"app\": \"web\"}}, \"template\": " + template + "}";
    };
    return "{\"apiVersion\": \"" + api + "\", \"kind\": \"" + kind + "\", \"metadata\": {\"name\": \"web\", \"namespace\": \"shop\"}, \"spec\": " + spec
        + ", \"status\": {}}";
  }

  static String container(String name, String image, String securityContext) {
    return "{\"name\": \"" + name + "\", \"image\": \"" + image + "\", \"resources\": {}, \"imagePullPolicy\": \"IfNotPresent\", \"securityContext\": "
        + securityContext + "}";
  }

  static String podSpec(String... containers) {
    return "{\"restartPolicy\": \"Always\", \"containers\": [" + String.join(", ", containers) + "]}";
  }

  static JsonNode response(Webhook.Reply reply) throws IOException {
    assertEquals(200, reply.httpStatus(), reply.body());
    JsonNode root = JSON.readTree(reply.json());
    assertEquals("AdmissionReview", root.path("kind").asText());
    JsonNode response = root.get("response");
    assertEquals(reply.request().orElseThrow().uid(), response.path("uid").asText());
    return response;
  }

  static Set<String> rules(Webhook.Reply reply) {
    Outcome o = assertInstanceOf(Webhook.Result.Decided.class, reply.result()).outcome();
    Set<String> out = new TreeSet<>();
    o.violations().forEach(v -> out.add(v.rule()));
    return out;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theApprovedRestrictedDeploymentIsAdmitted() throws IOException {
    Webhook.Reply reply = webhook.validate(resource("deployment-create-v1.json"), PROD);
    JsonNode response = response(reply);
    assertTrue(response.path("allowed").asBoolean(), reply.body());
    assertFalse(response.has("warnings"), reply.body());
    assertEquals("admission.k8s.io/v1", JSON.readTree(reply.json()).path("apiVersion").asText());
    assertEquals(new Webhook.Request("0df28fbd-5f5f-11e8-bc74-36e6bb280816", "Deployment", "shop", "web", "CREATE", "kubernetes-admin", false),
        reply.request().orElseThrow());
    assertEquals(Set.of(), rules(reply));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"})
  void everyPodBearingKindIsCheckedWithTheScanRuleIds(String kind) throws IOException {
    String good = podSpec(container("app", APPROVED, RESTRICTED_SC));
    Webhook.Reply admitted = webhook.validate(bytes(review(kind, object(kind, good))), PROD);
    assertTrue(response(admitted).path("allowed").asBoolean(), admitted.body());

    String privileged = podSpec(container("app", APPROVED, RESTRICTED_SC.replace("{", "{\"privileged\": true, ")));
    Webhook.Reply denied = webhook.validate(bytes(review(kind, object(kind, privileged))), PROD);
    JsonNode response = response(denied);
    assertFalse(response.path("allowed").asBoolean(), denied.body());
    assertEquals(403, response.path("status").path("code").asInt());
    String message = response.path("status").path("message").asText();
    assertTrue(message.startsWith("portcullis: denied by stage prod: PCS-K8S-001 container app: " + kind + "/web container app is privileged"),
        message);
    assertEquals(Set.of("PCS-K8S-001"), rules(denied));
  }

  @Test
  void aPrivilegedPodInARestrictedNamespaceNamesEveryRule() throws IOException {
    String spec = "{\"hostPID\": true, \"containers\": [" + container("app", "docker.io/library/nginx:1.25", "{\"privileged\": true}") + "]}";
    Webhook.Reply reply = webhook.validate(bytes(review("Pod", object("Pod", spec))), PROD);
    assertEquals(Set.of("PCS-ADM-001", "PCS-ADM-002", "PCS-ADM-003", "PCS-K8S-001", "PCS-K8S-002", "PCS-K8S-015", "PCS-K8S-016", "PCS-K8S-018",
        "PCS-K8S-019"), rules(reply));
    String message = response(reply).path("status").path("message").asText();
    for (String rule : rules(reply)) {
      assertTrue(message.contains(rule), rule + " in " + message);
    }
    assertTrue(message.contains("PCS-K8S-002 pod: Pod/web sets hostPID"), message);
  }

  @Test
  void baselineAdmitsWhatRestrictedRefuses() throws IOException {
    byte[] body = bytes(review("Deployment", object("Deployment", podSpec(container("app", APPROVED, "{}")))));
    assertTrue(response(webhook.validate(body, policy(StagePolicy.PodSecurity.BASELINE, StagePolicy.Mode.ENFORCE))).path("allowed").asBoolean());
    assertTrue(response(webhook.validate(body, policy(StagePolicy.PodSecurity.PRIVILEGED, StagePolicy.Mode.ENFORCE))).path("allowed").asBoolean());
    Webhook.Reply restricted = webhook.validate(body, PROD);
    assertEquals(Set.of("PCS-K8S-015", "PCS-K8S-016", "PCS-K8S-018", "PCS-K8S-019"), rules(restricted));
    byte[] hostPath = bytes(review("Deployment", object("Deployment", "{\"volumes\": [{\"name\": \"docker\", \"hostPath\": {\"path\": \"/var/run/docker.sock\"}}],"
        + " \"containers\": [" + container("app", APPROVED, RESTRICTED_SC) + "]}")));
    assertEquals(Set.of("PCS-K8S-006", "PCS-K8S-007"), rules(webhook.validate(hostPath, policy(StagePolicy.PodSecurity.BASELINE, StagePolicy.Mode.ENFORCE))));
    assertEquals(Set.of(), rules(webhook.validate(hostPath, policy(StagePolicy.PodSecurity.PRIVILEGED, StagePolicy.Mode.ENFORCE))));
  }

  @Test
  void theSameObjectAskedAgainIsDecidedTheSameAndAChangedOneAfresh() throws IOException {
    byte[] loose = bytes(review("Deployment", object("Deployment", podSpec(container("app", APPROVED, "{}")))));
    byte[] tight = bytes(review("Deployment", object("Deployment", podSpec(container("app", APPROVED, RESTRICTED_SC)))));
    Set<String> first = rules(webhook.validate(loose, PROD));
    assertEquals(Set.of("PCS-K8S-015", "PCS-K8S-016", "PCS-K8S-018", "PCS-K8S-019"), first);
    assertEquals(first, rules(webhook.validate(loose, PROD)));
    assertEquals(Set.of(), rules(webhook.validate(tight, PROD)));
    assertEquals(first, rules(webhook.validate(loose, PROD)));
    assertTrue(response(webhook.validate(loose, policy(StagePolicy.PodSecurity.BASELINE, StagePolicy.Mode.ENFORCE))).path("allowed").asBoolean());
  }

  @Test
  void anInitContainerWithAnUnapprovedImageIsRefused() throws IOException {
    String spec = "{\"initContainers\": [" + container("setup", "registry.example:5000/tools@" + UNKNOWN, RESTRICTED_SC) + "], \"containers\": ["
        + container("app", APPROVED, RESTRICTED_SC) + "]}";
    Webhook.Reply reply = webhook.validate(bytes(review("Deployment", object("Deployment", spec))), PROD);
    Outcome.Refuse refuse = assertInstanceOf(Outcome.Refuse.class, ((Webhook.Result.Decided) reply.result()).outcome());
    assertEquals(List.of(new Violation("PCS-ADM-003", "setup", "nothing is known about image registry.example:5000/tools@" + UNKNOWN
        + "; push it to a watched registry and let Portcullis scan it, or sign it with a trusted key")), refuse.violations());
  }

  @Test
  void ephemeralContainersAreCheckedInBothShapes() throws IOException {
    // Kubernetes 1.16-1.22: the ephemeralcontainers subresource takes an EphemeralContainers object.
    String old = """
        {"kind": "EphemeralContainers", "apiVersion": "v1", "metadata": {"name": "web", "namespace": "shop"},
         "ephemeralContainers": [{"name": "debugger", "image": "busybox:1.36", "targetContainerName": "app", "stdin": true, "tty": true,
           "resources": {}, "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent", "securityContext": {"privileged": true}}]}""";
    Webhook.Reply reply = webhook.validate(bytes(review("v1", "", "EphemeralContainers", "pods", "UPDATE", "ephemeralcontainers", old)),
        policy(StagePolicy.PodSecurity.BASELINE, StagePolicy.Mode.ENFORCE));
    assertFalse(response(reply).path("allowed").asBoolean());
    assertEquals(Set.of("PCS-ADM-001", "PCS-ADM-002", "PCS-ADM-003", "PCS-K8S-001"), rules(reply));
    // Kubernetes 1.23 and later: a Pod.
    String pod = object("Pod", "{\"containers\": [" + container("app", APPROVED, RESTRICTED_SC) + "], \"ephemeralContainers\": ["
        + container("debugger", "registry.example:5000/debug@" + UNKNOWN, RESTRICTED_SC) + "]}");
    Webhook.Reply now = webhook.validate(bytes(review("v1", "", "Pod", "pods", "UPDATE", "ephemeralcontainers", pod)), PROD);
    assertEquals(Set.of("PCS-ADM-003"), rules(now));
    assertTrue(response(now).path("status").path("message").asText().contains("PCS-ADM-003 container debugger:"));
  }

  @Test
  void warnModeAdmitsWithShortWarnings() throws IOException {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      containers.append(i == 0 ? "" : ", ").append(container("c" + i, "nginx:1.25", "{\"privileged\": true}"));
    }
    Webhook.Reply reply = webhook.validate(bytes(review("Pod", object("Pod", "{\"containers\": [" + containers + "]}"))),
        policy(StagePolicy.PodSecurity.RESTRICTED, StagePolicy.Mode.WARN));
    JsonNode response = response(reply);
    assertTrue(response.path("allowed").asBoolean());
    JsonNode warnings = response.path("warnings");
    assertEquals(Webhook.MAX_WARNINGS, warnings.size(), reply.body());
    warnings.forEach(w -> assertTrue(w.asText().length() <= Webhook.MAX_WARNING_CHARS, w.asText()));
    assertTrue(warnings.get(0).asText().startsWith("PCS-"), warnings.get(0).asText());
    assertTrue(warnings.get(9).asText().matches("portcullis: \\d+ more warnings; see the audit record"), warnings.get(9).asText());
    assertTrue(((Webhook.Result.Decided) reply.result()).outcome().violations().size() > 20);
  }

  @Test
  void auditModeAdmitsSilently() throws IOException {
    Webhook.Reply reply = webhook.validate(bytes(review("Pod", object("Pod", podSpec(container("app", "nginx:1.25", "{\"privileged\": true}"))))),
        policy(StagePolicy.PodSecurity.RESTRICTED, StagePolicy.Mode.AUDIT));
    assertTrue(response(reply).path("allowed").asBoolean());
    assertFalse(response(reply).has("warnings"));
    assertTrue(rules(reply).contains("PCS-K8S-001"));
  }

  @Test
  void v1beta1IsAnsweredInV1beta1() throws IOException {
    String body = review("v1beta1", "", "Pod", "pods", "CREATE", "", object("Pod", podSpec(container("app", APPROVED, RESTRICTED_SC))));
    Webhook.Reply reply = webhook.validate(bytes(body), PROD);
    assertEquals("admission.k8s.io/v1beta1", JSON.readTree(reply.json()).path("apiVersion").asText());
    assertTrue(response(reply).path("allowed").asBoolean());
  }

  @Test
  void dryRunIsReported() throws IOException {
    String body = review("Pod", object("Pod", podSpec(container("app", APPROVED, RESTRICTED_SC)))).replace("\"dryRun\": false", "\"dryRun\": true");
    assertTrue(webhook.validate(bytes(body), PROD).request().orElseThrow().dryRun());
  }

  static List<Map<String, String>> patch(Webhook.Reply reply) throws IOException {
    JsonNode response = response(reply);
    assertTrue(response.path("allowed").asBoolean());
    if (!response.has("patch")) {
      return List.of();
    }
    assertEquals("JSONPatch", response.path("patchType").asText());
    return JSON.readValue(Base64.getDecoder().decode(response.path("patch").asText()),
        JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
  }

  @Test
  void theMutatingWebhookPinsKnownTags() throws IOException {
    String spec = "{\"initContainers\": [" + container("setup", "registry.example:5000/shop/web:1.4", "{}") + "], \"containers\": ["
        + container("app", APPROVED, "{}") + ", " + container("side", "registry.example:5000/shop/web:1.4", "{}") + ", "
        + container("other", "registry.example:5000/shop/other:2", "{}") + "]}";
    Webhook.Reply deployment = webhook.mutate(bytes(review("Deployment", object("Deployment", spec))), PROD);
    String pinned = "registry.example:5000/shop/web:1.4@" + WEB;
    assertEquals(List.of(Map.of("op", "replace", "path", "/spec/template/spec/initContainers/0/image", "value", pinned),
        Map.of("op", "replace", "path", "/spec/template/spec/containers/1/image", "value", pinned)), patch(deployment));
    Webhook.Result.Pinned result = assertInstanceOf(Webhook.Result.Pinned.class, deployment.result());
    assertEquals(List.of("registry.example:5000/shop/other:2"), result.unresolved());
    assertEquals(List.of("setup", "side"), result.pins().stream().map(Webhook.Pin::container).toList());

    String one = podSpec(container("app", "registry.example:5000/shop/web:1.4", "{}"));
    assertEquals("/spec/containers/0/image", patch(webhook.mutate(bytes(review("Pod", object("Pod", one))), PROD)).getFirst().get("path"));
    assertEquals("/spec/jobTemplate/spec/template/spec/containers/0/image",
        patch(webhook.mutate(bytes(review("CronJob", object("CronJob", one))), PROD)).getFirst().get("path"));
    assertEquals(List.of(), patch(webhook.mutate(resource("deployment-create-v1.json"), PROD)));
    String ephemeral = "{\"kind\": \"EphemeralContainers\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"web\"}, \"ephemeralContainers\": ["
        + container("debugger", "registry.example:5000/shop/web:1.4", "{}") + "]}";
    assertEquals(List.of(Map.of("op", "replace", "path", "/ephemeralContainers/0/image", "value", pinned)),
        patch(webhook.mutate(bytes(review("v1", "", "EphemeralContainers", "pods", "UPDATE", "ephemeralcontainers", ephemeral)), PROD)));
  }

  @Test
  void aPinnedTagThenPassesValidation() throws IOException {
    String tagged = podSpec(container("app", "registry.example:5000/shop/web:1.4", RESTRICTED_SC));
    Webhook.Reply before = webhook.validate(bytes(review("Deployment", object("Deployment", tagged))), PROD);
    assertEquals(Set.of("PCS-ADM-001"), rules(before));
    String value = patch(webhook.mutate(bytes(review("Deployment", object("Deployment", tagged))), PROD)).getFirst().get("value");
    String pinned = podSpec(container("app", value, RESTRICTED_SC));
    assertEquals(Set.of(), rules(webhook.validate(bytes(review("Deployment", object("Deployment", pinned))), PROD)));
  }

  @Test
  void operationsAndSubresourcesThatStartNoContainerPass() throws IOException {
    String pod = object("Pod", podSpec(container("app", "nginx", "{\"privileged\": true}")));
    for (String[] c : new String[][] {{"DELETE", ""}, {"CONNECT", "exec"}, {"UPDATE", "status"}}) {
      Webhook.Reply reply = webhook.validate(bytes(review("v1", "", "Pod", "pods", c[0], c[1], c[0].equals("DELETE") ? "null" : pod)), PROD);
      assertTrue(response(reply).path("allowed").asBoolean(), reply.body());
      assertInstanceOf(Webhook.Result.Passed.class, reply.result());
    }
  }

  @Test
  void anUnknownKindPassesOnlyWithoutContainers() throws IOException {
    String configMap = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"web\"}, \"data\": {\"a\": \"b\"}}";
    Webhook.Reply passed = webhook.validate(bytes(review("ConfigMap", configMap)), PROD);
    assertTrue(response(passed).path("allowed").asBoolean());
    assertInstanceOf(Webhook.Result.Passed.class, passed.result());
    String rollout = "{\"apiVersion\": \"example.dev/v1\", \"kind\": \"Rollout\", \"metadata\": {\"name\": \"web\"}, \"spec\": {\"template\": {\"spec\": "
        + podSpec(container("app", "nginx", "{\"privileged\": true}")) + "}}}";
    Webhook.Reply refused = webhook.validate(bytes(review("Rollout", rollout)), PROD);
    assertFalse(response(refused).path("allowed").asBoolean());
    assertEquals(400, response(refused).path("status").path("code").asInt());
    assertInstanceOf(Webhook.Result.Rejected.class, refused.result());
  }

  @Test
  void aBodyOverTheLimitIs413() {
    Webhook small = new Webhook(state, Clock.systemUTC(), 100);
    Webhook.Reply reply = small.validate(bytes(review("Pod", object("Pod", podSpec(container("app", APPROVED, RESTRICTED_SC))))), PROD);
    assertEquals(413, reply.httpStatus());
    assertTrue(reply.request().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "not json",
      "[]",
      "null",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": []}",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"kind\": {\"kind\": \"Pod\"}}}",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": 7}}",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"\"}}",
      "{\"apiVersion\": \"admission.k8s.io/v2\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"a\"}}",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"a\"}} trailing",
      "{\"apiVersion\": \"admission.k8s.io/v1\", \"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"a\"}}",
  })
  void aBodyThatIsNoReviewIs400(String body) {
    Webhook.Reply reply = webhook.validate(bytes(body), PROD);
    assertEquals(400, reply.httpStatus(), reply.body());
    assertTrue(reply.body().startsWith("{\"error\":"), reply.body());
    assertInstanceOf(Webhook.Result.Rejected.class, reply.result());
    assertEquals(400, webhook.mutate(bytes(body), PROD).httpStatus());
  }

  @Test
  void deepNestingIs400() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertEquals(400, webhook.validate(bytes("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": {\"uid\": \"a\", \"x\": "
        + deep + "}}"), PROD).httpStatus());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"containers\": {\"name\": \"app\", \"image\": \"nginx\", \"securityContext\": {\"privileged\": true}}}",
      "{\"containers\": [[]]}",
      "{\"containers\": []}",
      "{}",
      "{\"containers\": [{\"name\": \"app\", \"image\": \"nginx\", \"securityContext\": []}]}",
      "{\"containers\": [{\"name\": \"app\", \"image\": \"nginx\", \"securityContext\": {\"privileged\": \"true\"}}]}",
      "{\"containers\": [{\"name\": \"app\", \"image\": \"nginx\", \"securityContext\": {\"capabilities\": {\"add\": \"SYS_ADMIN\"}}}]}",
      "{\"containers\": [{\"name\": \"app\", \"image\": [\"nginx\"]}]}",
      "{\"containers\": [{\"name\": \"app\"}]}",
      "{\"hostPID\": \"true\", \"containers\": [{\"name\": \"app\", \"image\": \"nginx\"}]}",
      "{\"securityContext\": [], \"containers\": [{\"name\": \"app\", \"image\": \"nginx\"}]}",
      "{\"volumes\": [{\"name\": \"h\", \"hostPath\": \"/\"}], \"containers\": [{\"name\": \"app\", \"image\": \"nginx\"}]}",
      "{\"initContainers\": {}, \"containers\": [{\"name\": \"app\", \"image\": \"nginx\"}]}",
  })
  void aPodSpecOfTheWrongShapeIsRefusedNeverAdmitted(String spec) throws IOException {
    for (String kind : List.of("Pod", "Deployment", "CronJob")) {
      for (StagePolicy policy : List.of(PROD, policy(StagePolicy.PodSecurity.PRIVILEGED, StagePolicy.Mode.ENFORCE))) {
        Webhook.Reply reply = webhook.validate(bytes(review(kind, object(kind, spec))), policy);
        JsonNode response = response(reply);
        assertFalse(response.path("allowed").asBoolean(), reply.body());
        assertEquals(400, response.path("status").path("code").asInt(), reply.body());
        assertTrue(response.path("status").path("message").asText().startsWith("portcullis: cannot check this " + kind + ": "), reply.body());
        assertFalse(response(webhook.mutate(bytes(review(kind, object(kind, spec))), policy)).path("allowed").asBoolean());
      }
    }
  }

  @Test
  void aDeploymentWithoutATemplateOrAMismatchedKindIsRefused() throws IOException {
    String noTemplate = "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"web\"}, \"spec\": {\"replicas\": 1}}";
    assertFalse(response(webhook.validate(bytes(review("Deployment", noTemplate)), PROD)).path("allowed").asBoolean());
    String listTemplate = "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"web\"}, \"spec\": {\"template\": []}}";
    assertFalse(response(webhook.validate(bytes(review("Deployment", listTemplate)), PROD)).path("allowed").asBoolean());
    String disguised = object("Pod", podSpec(container("app", "nginx", "{\"privileged\": true}"))).replace("\"kind\": \"Pod\"", "\"kind\": \"ConfigMap\"");
    Webhook.Reply reply = webhook.validate(bytes(review("Pod", disguised)), PROD);
    assertFalse(response(reply).path("allowed").asBoolean());
    assertTrue(response(reply).path("status").path("message").asText().contains("object's kind is ConfigMap"));
    String badMetadata = object("Pod", podSpec(container("app", APPROVED, RESTRICTED_SC))).replace("\"metadata\": {\"name\": \"web\", \"namespace\": \"shop\"}",
        "\"metadata\": [], \"x\": 1");
    assertFalse(response(webhook.validate(bytes(review("Pod", badMetadata)), PROD)).path("allowed").asBoolean());
  }

  @Test
  void tooManyContainersIsRefused() throws IOException {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Webhook.MAX_CONTAINERS; i++) {
      many.append(i == 0 ? "" : ", ").append(container("c" + i, APPROVED, RESTRICTED_SC));
    }
    Webhook big = new Webhook(state, Clock.fixed(NOW, ZoneOffset.UTC), 4 << 20);
    Webhook.Reply reply = big.validate(bytes(review("Deployment", object("Deployment", "{\"containers\": [" + many + "]}"))), PROD);
    assertFalse(response(reply).path("allowed").asBoolean());
    assertTrue(response(reply).path("status").path("message").asText().contains("more than " + Webhook.MAX_CONTAINERS + " containers"));
  }

  @Test
  void aFailingPolicyLookupRefusesInsteadOfThrowing() throws IOException {
    Webhook.Reply reply = webhook.validate(resource("deployment-create-v1.json"), r -> {
      throw new IllegalStateException("no stage for namespace " + r.namespace());
    });
    JsonNode response = response(reply);
    assertFalse(response.path("allowed").asBoolean());
    assertEquals(500, response.path("status").path("code").asInt());
    assertTrue(response.path("status").path("message").asText().contains("no stage for namespace shop"));
  }
}
