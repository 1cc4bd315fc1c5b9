package dev.portcullis.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.server.ApiClient;
import dev.portcullis.server.Server;
import dev.portcullis.server.ServerFixtures;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.testkit.KubeApiServer;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission webhooks served by a real server over TLS, called by a real kube-apiserver (with
 * etcd) as {@code kubectl apply} of real manifests makes it: images pushed to a real registry,
 * scanned by the server, signed (or not) with a release key; each denial names its rule as kubectl
 * prints it, tags are pinned by the mutating webhook, and a stopped server denies everything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubernetesAdmissionIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static KubeApiServer kube;
  static RegistryProcess registry;
  static Server server;
  static int port;
  static final ByteArrayOutputStream log = new ByteArrayOutputStream();
  static String token;
  static Path ca;
  static String ns;
  static String approved;
  static String unsigned;
  static String quarantined;
  static final java.util.List<String> configurations = new java.util.ArrayList<>();

  @BeforeAll
  static void clusterServerAndImages() throws Exception {
    kube = KubeApiServer.shared();
    ns = "adm-" + UUID.randomUUID().toString().substring(0, 6);
    port = RegistryProcess.freePort();
    // the server speaks HTTPS only (the API server calls it): scans are asked for through its API rather than by registry events
    registry = RegistryProcess.start(RegistryProcess.Options.plain());
    KubeApiServer.WebhookTls tls = kube.webhookTls(Files.createDirectories(dir.resolve("tls")));
    ca = tls.caFile();
    Path[] serverKeys = ServerFixtures.keyPair(dir, "server");
    Path[] release = ServerFixtures.keyPair(dir, "release");
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 2
        vulnerabilityDatabase: %s
        signatureGrace: 1s
        sweepInterval: 0
        signing: {key: %s}
        tls: {certificate: %s, key: %s}
        registries:
          - name: dev
            url: http://%s
            stage: prod
        stages:
          prod:
            admission:
              trustedKeys: [%s, %s]
              registries: ["%s"]
              podSecurity: restricted
          test:
            admission:
              requireDigest: false
              trustedKeys: [%s, %s]
              podSecurity: baseline
          stale:
            admission:
              trustedKeys: [%s, %s]
              verdict: {maxAge: 1s, earlier: [{stage: prod, minScore: 0}]}
          preview:
            admission:
              requireDigest: false
              podSecurity: restricted
              mode: warn
        """.formatted(port, ServerFixtures.database(dir), serverKeys[0], tls.certificateChain(), tls.privateKey(), registry.host(),
        release[1], serverKeys[1], registry.host(), release[1], serverKeys[1], release[1], serverKeys[1]) + ServerFixtures.auth(dir));
    server = ServerFixtures.start(config, log);
    token = ApiClient.login(port, ServerFixtures.ADMIN, ServerFixtures.ADMIN_PASSWORD, ca)
        .createToken("admission-it", "", ServerFixtures.ALL_ROLES);

    approved = push(ServerFixtures.clean(dir, "approved"), "clean", "team/app:1");
    unsigned = push(ServerFixtures.clean(dir, "unsigned"), "clean", "team/unsigned:1");
    quarantined = push(ServerFixtures.leaking(dir), "leaking", "team/leaky:1");
    try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), ProgressListener.NONE)) {
      LocalSigner signer = LocalSigner.read(release[0], Passphrase.empty());
      for (String image : List.of(approved, quarantined)) {
        new ImageSigner(new CosignStore(client)).sign(ImageRef.parse(image), signer);
      }
    }
    ApiClient api = ApiClient.withToken(port, token, ca);
    for (String image : List.of(approved, unsigned, quarantined)) {
      String repository = image.substring(image.indexOf('/') + 1, image.indexOf('@'));
      // by tag, as a push event names it: the server records where the tag points (every image here is tagged 1)
      ApiClient.Answer a = api.post("/v1/scans", "{\"registry\":\"dev\",\"repository\":\"" + repository + "\",\"tag\":\"1\"}");
      assertThat(a.status()).as(a.toString()).isEqualTo(202);
    }
    // the hot path never asks the registry: wait until the server has read what admission needs
    ServerFixtures.awaitFacts(ApiClient.withToken(port, token, ca), approved, f -> f.path("signatureKeys").size() == 1 && f.path("verdicts").size() >= 1 && "passed".equals(f.path("standing").asText()), () -> log.toString(StandardCharsets.UTF_8));
    ServerFixtures.awaitFacts(ApiClient.withToken(port, token, ca), unsigned, f -> f.path("verdicts").size() >= 1, () -> log.toString(StandardCharsets.UTF_8));
    ServerFixtures.awaitFacts(ApiClient.withToken(port, token, ca), quarantined, f -> "quarantined".equals(f.path("standing").asText()) && f.path("signatureKeys").size() == 1, () -> log.toString(StandardCharsets.UTF_8));

    apply("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s-prod, labels: {portcullis.dev/stage: prod, portcullis.dev/it: %1$s}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s-test, labels: {portcullis.dev/stage: test, portcullis.dev/it: %1$s}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s-stale, labels: {portcullis.dev/stage: stale, portcullis.dev/it: %1$s}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s-preview, labels: {portcullis.dev/stage: preview, portcullis.dev/it: %1$s}}
        """.formatted(ns));
    for (String stage : List.of("prod", "test", "stale", "preview")) {
      register(stage, tls.caBundle());
    }
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      for (String c : configurations) {
        try {
          kube.kubectl().run("delete", c, "--ignore-not-found");
        } catch (Tools.ToolException e) {
          // best effort: the configurations select this test's namespaces only
        }
      }
    }
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static String push(Path layout, String refName, String repoTag) throws Exception {
    Skopeo.copy("oci:" + layout + ":" + refName, "docker://" + registry.host() + "/" + repoTag, Skopeo.CopyOption.DEST_NO_TLS_VERIFY);
    JsonNode inspect = JSON.readTree(Skopeo.inspect("docker://" + registry.host() + "/" + repoTag, "--tls-verify=false"));
    return registry.host() + "/" + repoTag.substring(0, repoTag.indexOf(':')) + "@" + inspect.get("Digest").asText();
  }

  private static void register(String stage, String caBundle) throws Exception {
    String name = ns + "-" + stage;
    Tools.Result r = apply("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: %1$s}
        webhooks:
        - name: %2$s.mutate.portcullis.dev
          admissionReviewVersions: ["v1", "v1beta1"]
          sideEffects: None
          failurePolicy: Fail
          timeoutSeconds: 5
          reinvocationPolicy: IfNeeded
          namespaceSelector: {matchLabels: {portcullis.dev/stage: %2$s, portcullis.dev/it: %3$s}}
          clientConfig: {url: "https://127.0.0.1:%4$d/admission/mutate/%2$s", caBundle: %5$s}
          rules: %6$s
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: %1$s}
        webhooks:
        - name: %2$s.validate.portcullis.dev
          admissionReviewVersions: ["v1", "v1beta1"]
          sideEffects: None
          failurePolicy: Fail
          timeoutSeconds: 5
          namespaceSelector: {matchLabels: {portcullis.dev/stage: %2$s, portcullis.dev/it: %3$s}}
          clientConfig: {url: "https://127.0.0.1:%4$d/admission/validate/%2$s", caBundle: %5$s}
          rules: %6$s
        """.formatted(name, stage, ns, port, caBundle, """
        [{operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "replicationcontrollers"]},
                  {operations: ["CREATE", "UPDATE"], apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]},
                  {operations: ["CREATE", "UPDATE"], apiGroups: ["batch"], apiVersions: ["v1", "v1beta1"], resources: ["jobs", "cronjobs"]}]"""));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    configurations.add("mutatingwebhookconfiguration/" + name);
    configurations.add("validatingwebhookconfiguration/" + name);
  }

  private static Tools.Result apply(String manifests) throws Exception {
    return kube.kubectl().apply(manifests);
  }

  /** kubectl apply, retried while the API server has not picked the webhook configurations up yet (about a second). */
  private static Tools.Result applyOnceWebhooksAreActive(String manifests, boolean expectDenied) throws Exception {
    Path file = Files.createTempFile(dir, "manifest", ".yaml");
    Files.writeString(file, manifests);
    return kube.kubectl().runUntil(Duration.ofSeconds(30), r -> (r.exitCode() != 0) == expectDenied
        || r.stderr().contains("portcullis"), List.of("apply", "-f", file.toString()));
  }

  static String restrictedPod(String namespace, String name, String image) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: app
            image: "%s"
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        """.formatted(name, namespace, image);
  }

  static String restrictedDeployment(String namespace, String name, String image, String extraPodSpec) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              %4$s
              securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
              containers:
              - name: app
                image: "%3$s"
                securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        """.formatted(name, namespace, image, extraPodSpec);
  }

  @Test
  @Order(1)
  void theApprovedSignedRestrictedDeploymentIsAdmitted() throws Exception {
    Tools.Result r = applyOnceWebhooksAreActive(restrictedDeployment(ns + "-prod", "web", approved, "automountServiceAccountToken: false"), false);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdoutText()).contains("deployment.apps/web created");
  }

  @Test
  @Order(2)
  void aTagIsPinnedToItsDigestByTheMutatingWebhookThenChecked() throws Exception {
    String tagged = registry.host() + "/team/app:1";
    Tools.Result r = applyOnceWebhooksAreActive(restrictedPod(ns + "-prod", "pinned", tagged), false);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Tools.Result image = kube.kubectl().run("get", "pod", "pinned", "-n", ns + "-prod", "-o", "jsonpath={.spec.containers[0].image}");
    assertThat(image.stdoutText()).isEqualTo(tagged + "@" + approved.substring(approved.indexOf('@') + 1));
  }

  @Test
  @Order(3)
  void anUnsignedImageIsDeniedNamingTheRule() throws Exception {
    Tools.Result r = applyOnceWebhooksAreActive(restrictedPod(ns + "-prod", "unsigned", unsigned), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("admission webhook \"prod.validate.portcullis.dev\" denied the request", "PCS-ADM-004");
  }

  @Test
  @Order(4)
  void aQuarantinedImageIsDenied() throws Exception {
    Tools.Result r = applyOnceWebhooksAreActive(restrictedPod(ns + "-prod", "leaky", quarantined), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("PCS-ADM-007");
  }

  @Test
  @Order(5)
  void anImageWithoutAVerdictForTheNamespacesStageIsDenied() throws Exception {
    // the server attests the verdict of its registry's stage (prod) only: a test namespace finds no test verdict
    Tools.Result r = applyOnceWebhooksAreActive(restrictedPod(ns + "-test", "no-verdict", approved), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("test.validate.portcullis.dev", "PCS-ADM-005");
  }

  @Test
  @Order(6)
  void aStaleVerdictIsDenied() throws Exception {
    Thread.sleep(1500);
    Tools.Result r = applyOnceWebhooksAreActive(restrictedPod(ns + "-stale", "stale", approved), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("PCS-ADM-006");
  }

  @Test
  @Order(7)
  void aPrivilegedPodInARestrictedNamespaceIsDenied() throws Exception {
    String pod = restrictedPod(ns + "-prod", "privileged", approved).replace("allowPrivilegeEscalation: false,", "privileged: true,");
    Tools.Result r = applyOnceWebhooksAreActive(pod, true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("PCS-K8S-001");
  }

  @Test
  @Order(8)
  void aDeploymentWhosePodTemplateBreaksPodSecurityIsDenied() throws Exception {
    Tools.Result r = applyOnceWebhooksAreActive(restrictedDeployment(ns + "-prod", "host-pid", approved, "hostPID: true"), true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("PCS-K8S-002");
  }

  @Test
  @Order(9)
  void anInitContainerWithAnUnapprovedImageIsDenied() throws Exception {
    String pod = restrictedPod(ns + "-prod", "init", approved).replace("  containers:\n", """
          initContainers:
          - name: setup
            image: "%s"
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          containers:
        """.formatted(unsigned));
    Tools.Result r = applyOnceWebhooksAreActive(pod, true);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("PCS-ADM-004", "setup");
  }

  @Test
  @Order(10)
  void warnModeAdmitsWithWarningsKubectlPrints() throws Exception {
    String pod = restrictedPod(ns + "-preview", "warned", unsigned).replace("allowPrivilegeEscalation: false,", "privileged: true,");
    Tools.Result r = applyOnceWebhooksAreActive(pod, false);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("Warning: ", "PCS-K8S-001");
  }

  @Test
  @Order(11)
  void aDryRunIsDecidedAndRecordedButNeverADeployment() throws Exception {
    Path file = Files.createTempFile(dir, "dry", ".yaml");
    Files.writeString(file, restrictedPod(ns + "-prod", "dry", approved));
    Tools.Result r = kube.kubectl().run("apply", "--dry-run=server", "-f", file.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode audit = ApiClient.withToken(port, token, ca).get("/v1/audit?action=validateAdmission&limit=200").json();
    assertThat(audit.toString()).contains(ns + "-prod/Pod/dry", "(dry run)").contains(ns + "-prod/Pod/unsigned", "PCS-ADM-004");
    // what admission let start is recorded per container with its digest: the Deployment and the pinned pod, never the dry run
    try (dev.portcullis.server.store.Store store = dev.portcullis.server.store.Store.sqlite(dir.resolve("data"), java.time.Clock.systemUTC())) {
      String digest = approved.substring(approved.indexOf('@') + 1);
      List<String> names = store.admission().deployments(digest).stream().map(d -> d.namespace() + "/" + d.kind() + "/" + d.name()).toList();
      assertThat(names).contains(ns + "-prod/Pod/pinned").doesNotContain(ns + "-prod/Pod/dry");
    }
  }

  @Test
  @Order(20)
  void withTheServerStoppedFailurePolicyFailDenies() throws Exception {
    server.close();
    server = null;
    Path file = Files.createTempFile(dir, "down", ".yaml");
    Files.writeString(file, restrictedPod(ns + "-prod", "while-down", approved));
    Tools.Result r = kube.kubectl().run("apply", "-f", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("failed calling webhook", "prod.mutate.portcullis.dev");
  }
}
