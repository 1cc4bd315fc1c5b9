package dev.portcullis.admission.cluster;

import static dev.portcullis.admission.cluster.Plain.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.k8s.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterManifestsTest {
  static final String IMAGE = "registry.example:5000/portcullis@sha256:" + "ab".repeat(32);

  static ClusterSpec certManager(List<String> stages) {
    return new ClusterSpec("portcullis", IMAGE, "portcullis-admission", 443, stages, 5, new ClusterSpec.CertManager("portcullis-selfsigned"));
  }

  /** What {@code portcullis config FILE} reports on the file: every built-in check over the parsed manifests. */
  static Report check(String yaml) {
    return new Engine(Checks.defaults()).evaluate(Manifests.parse("cluster.yaml", yaml));
  }

  @Test
  void certManagerManifestsPassEveryBuiltInCheck() {
    Report r = check(ClusterManifests.yaml(certManager(List.of("dev", "prod"))));
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).extracting(CheckFinding::message).isEmpty();
  }

  @Test
  void providedTlsManifestsPassEveryBuiltInCheckAndCarryTheCa(@TempDir Path dir) throws Exception {
    Tls tls = selfSigned(dir, "portcullis-admission.portcullis.svc");
    ClusterSpec spec = new ClusterSpec("portcullis", IMAGE, "portcullis-admission", 443, List.of("prod"), 7,
        new ClusterSpec.Provided(tls.cert(), tls.cert(), tls.key()));
    String yaml = ClusterManifests.yaml(spec);
    Report r = check(yaml);
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).extracting(CheckFinding::message).isEmpty();

    List<Map<String, Object>> docs = Plain.documents(yaml);
    Map<String, Object> secret = kind(docs, "Secret");
    assertThat(at(secret, "type")).isEqualTo("kubernetes.io/tls");
    assertThat(decode(at(secret, "data", "tls.key"))).isEqualTo(tls.key());
    assertThat(decode(at(secret, "data", "tls.crt"))).isEqualTo(tls.cert());
    for (String k : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
      assertThat(decode(at(kind(docs, k), "webhooks", 0, "clientConfig", "caBundle"))).isEqualTo(tls.cert());
      assertThat(at(kind(docs, k), "webhooks", 0, "timeoutSeconds")).isEqualTo(7L);
    }
    assertThat(docs).extracting(d -> d.get("kind")).doesNotContain("Certificate", "Issuer");
  }

  @Test
  void aCertificateThatDoesNotNameTheServiceIsRefused(@TempDir Path dir) throws Exception {
    Tls tls = selfSigned(dir, "localhost");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "portcullis-admission", 443, List.of("prod"), 5,
        new ClusterSpec.Provided(tls.cert(), tls.cert(), tls.key())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the serving certificate does not name portcullis-admission.portcullis.svc, the host the API server calls (its DNS names: localhost)");
  }

  @Test
  void oneMutatingAndOneValidatingWebhookPerStageOnItsOwnPath() {
    List<Map<String, Object>> docs = Plain.documents(ClusterManifests.yaml(certManager(List.of("prod", "dev"))));
    for (boolean mutating : List.of(true, false)) {
      Map<String, Object> config = kind(docs, mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration");
      assertThat(at(config, "metadata", "annotations", "cert-manager.io/inject-ca-from")).isEqualTo("portcullis/portcullis-admission-tls");
      List<?> hooks = (List<?>) at(config, "webhooks");
      assertThat(hooks).hasSize(2);
      for (int i = 0; i < 2; i++) {
        String stage = List.of("dev", "prod").get(i);
        Object hook = hooks.get(i);
        String verb = mutating ? "mutate" : "validate";
        assertThat(at(hook, "name")).isEqualTo(stage + "." + verb + ".portcullis.dev");
        assertThat(at(hook, "clientConfig", "service")).isEqualTo(Map.of("namespace", "portcullis", "name", "portcullis-admission",
            "path", "/admission/" + verb + "/" + stage, "port", 443L));
        assertThat(at(hook, "namespaceSelector")).isEqualTo(Map.of("matchLabels", Map.of("portcullis.dev/stage", stage),
            "matchExpressions", List.of(Map.of("key", "kubernetes.io/metadata.name", "operator", "NotIn", "values", List.of("kube-system", "portcullis")))));
        assertThat(at(hook, "failurePolicy")).isEqualTo("Fail");
        assertThat(at(hook, "sideEffects")).isEqualTo("None");
        assertThat(at(hook, "admissionReviewVersions")).isEqualTo(List.of("v1", "v1beta1"));
        assertThat(at(hook, "timeoutSeconds")).isEqualTo(5L);
        assertThat(((Map<?, ?>) hook).get("reinvocationPolicy")).isEqualTo(mutating ? "IfNeeded" : null);
        assertThat(((Map<?, ?>) hook).containsKey("caBundle")).isFalse();
      }
    }
  }

  /** Every kind the Kubernetes checks treat as making pods is one the webhooks see, in its API group. */
  @Test
  void theWebhooksSeeEveryKindWithAPodTemplate() {
    Map<String, Object> config = kind(Plain.documents(ClusterManifests.yaml(certManager(List.of("prod")))), "ValidatingWebhookConfiguration");
    List<String> seen = new java.util.ArrayList<>();
    for (Object rule : (List<?>) at(config, "webhooks", 0, "rules")) {
      assertThat(at(rule, "operations")).isEqualTo(List.of("CREATE", "UPDATE"));
      for (Object group : (List<?>) at(rule, "apiGroups")) {
        for (Object resource : (List<?>) at(rule, "resources")) {
          seen.add(group + "/" + resource);
        }
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("/pods", "/pods/ephemeralcontainers", "/replicationcontrollers", "apps/daemonsets", "apps/deployments",
        "apps/replicasets", "apps/statefulsets", "batch/cronjobs", "batch/jobs");
  }

  @Test
  void theYamlSaysWhyOlderClustersStillWork() {
    String yaml = ClusterManifests.yaml(certManager(List.of("prod")));
    assertThat(yaml).contains("# kubernetes.io/metadata.name exists from Kubernetes 1.21; on older clusters the server skips these namespaces itself\n"
        + "    matchExpressions:\n");
  }

  @Test
  void theDeploymentIsRestrictedAndPinned() {
    Map<String, Object> deployment = kind(Plain.documents(ClusterManifests.yaml(certManager(List.of("prod")))), "Deployment");
    assertThat(at(deployment, "spec", "replicas")).isEqualTo(2L);
    Object pod = at(deployment, "spec", "template", "spec");
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
    assertThat(at(pod, "containers", 0, "image")).isEqualTo(IMAGE);
    Object sc = at(pod, "containers", 0, "securityContext");
    assertThat((Long) at(sc, "runAsUser")).isGreaterThanOrEqualTo(10000L);
    assertThat(at(sc, "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(sc, "capabilities", "drop")).isEqualTo(List.of("ALL"));
  }

  @Test
  void theWebhookReadsItsConfigurationAndCertificateFromOneReadOnlyVolume() {
    Map<String, Object> deployment = kind(Plain.documents(ClusterManifests.yaml(certManager(List.of("prod")))), "Deployment");
    Object pod = at(deployment, "spec", "template", "spec");
    List<Object> args = List.copyOf((List<?>) at(pod, "containers", 0, "args"));
    assertThat(args).containsSubsequence("admission", "serve", "--config", "/etc/portcullis/admission.yaml", "--tls-cert",
        "/etc/portcullis/tls/tls.crt", "--tls-key", "/etc/portcullis/tls/tls.key");
    assertThat(at(pod, "containers", 0, "volumeMounts", 0)).isEqualTo(Map.of("name", "config", "mountPath", "/etc/portcullis", "readOnly", true));
    assertThat(at(pod, "volumes", 0, "name")).isEqualTo("config");
    assertThat(at(pod, "volumes", 0, "projected", "sources")).isEqualTo(List.of(
        Map.of("configMap", Map.of("name", "portcullis-admission")),
        Map.of("secret", Map.of("name", "portcullis-admission-tls", "items", List.of(Map.of("key", "tls.crt", "path", "tls/tls.crt"),
            Map.of("key", "tls.key", "path", "tls/tls.key"))))));
  }

  @Test
  void theConfigMapGivesEveryStageSafeDefaultsAndSaysHowToUseAServer() {
    Map<String, Object> configMap = kind(Plain.documents(ClusterManifests.yaml(certManager(List.of("prod", "dev")))), "ConfigMap");
    assertThat(at(configMap, "metadata", "name")).isEqualTo("portcullis-admission");
    assertThat(at(configMap, "metadata", "namespace")).isEqualTo("portcullis");
    String file = (String) at(configMap, "data", "admission.yaml");
    Map<String, Object> config = Plain.documents(file).get(0);
    for (String stage : List.of("dev", "prod")) {
      assertThat(at(config, "stages", stage, "admission")).isEqualTo(Map.of("requireDigest", true, "requireSignature", true,
          "verdict", Map.of("maxAge", "30d"), "podSecurity", stage.equals("prod") ? "restricted" : "baseline", "onMissing", "deny"));
    }
    assertThat(at(config, "admission", "ignoreNamespaces")).isEqualTo(List.of("kube-system", "portcullis"));
    assertThat(config).containsOnlyKeys("stages", "admission");
    assertThat(file).contains("\n# server:\n#   url: https://").contains("tokenFile: token");
  }

  @Test
  void theSameInputsGiveTheSameBytesWhateverTheStageOrder() {
    assertThat(ClusterManifests.yaml(certManager(List.of("prod", "dev", "test"))))
        .isEqualTo(ClusterManifests.yaml(certManager(List.of("test", "prod", "dev"))));
  }

  @Test
  void withoutAPodDisruptionBudgetTheRestStays() {
    ClusterSpec spec = new ClusterSpec("portcullis", IMAGE, "portcullis-admission", 443, List.of("prod"), 5, new ClusterSpec.CertManager("ca"),
        ClusterSpec.DEFAULT_ARGS, false);
    assertThat(Plain.documents(ClusterManifests.yaml(spec))).extracting(d -> d.get("kind")).containsExactly("Namespace", "ServiceAccount", "Issuer",
        "Certificate", "ConfigMap", "Service", "NetworkPolicy", "Deployment", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
  }

  @Test
  void badInputsAreRefusedWithWhatIsWrong() {
    ClusterSpec.Tls tls = new ClusterSpec.CertManager("ca");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", "registry.example:5000/portcullis:1.0", "svc", 443, List.of("prod"), 5, tls))
        .hasMessageStartingWith("the server image must be named by digest");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "svc", 443, List.of("prod"), 31, tls))
        .hasMessage("webhook timeout 31 s is outside what Kubernetes accepts (1 to 30 s)");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "svc", 443, List.of("prod"), 0, tls)).hasMessageContaining("1 to 30 s");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "svc", 443, List.of(), 5, tls)).hasMessageStartingWith("no stage given");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "svc", 443, List.of("prod", "prod"), 5, tls)).hasMessageStartingWith("a stage is given twice");
    assertThatThrownBy(() -> new ClusterSpec("portcullis", IMAGE, "svc", 443, List.of("Prod"), 5, tls)).hasMessageStartingWith("stage 'Prod' is not a DNS label");
    assertThatThrownBy(() -> new ClusterSpec.Provided("x", "-----BEGIN CERTIFICATE-----", "secret-bytes")).hasMessage("the CA bundle is not PEM (no '-----BEGIN CERTIFICATE-----' line)");
    assertThat(new ClusterSpec.Provided("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----x").toString())
        .doesNotContain("-----BEGIN PRIVATE KEY-----x");
  }

  /** Our checks would report what the manifests avoid: the zero-findings tests are not vacuous. */
  @Test
  void theChecksSeeTheManifests() {
    String yaml = ClusterManifests.yaml(certManager(List.of("prod")));
    String broken = yaml.replace("      automountServiceAccountToken: false\n", "").replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");
    assertThat(broken).isNotEqualTo(yaml);
    assertThat(check(broken).findings()).extracting(f -> f.check().id()).containsExactlyInAnyOrder("PCS-K8S-022", "PCS-K8S-027");
  }

  static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    assertThat(found).as(kind).hasSize(1);
    return found.get(0);
  }

  private static String decode(Object base64) {
    return new String(Base64.getDecoder().decode((String) base64), StandardCharsets.UTF_8);
  }

  record Tls(String cert, String key) {}

  /** A self-signed serving certificate for {@code host}, made by the real openssl. */
  static Tls selfSigned(Path dir, String host) throws IOException, InterruptedException {
    Path key = dir.resolve("tls.key");
    Path cert = dir.resolve("tls.crt");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return new Tls(Files.readString(cert), Files.readString(key));
  }
}
