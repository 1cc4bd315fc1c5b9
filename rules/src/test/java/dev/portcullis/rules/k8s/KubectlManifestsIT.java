package dev.portcullis.rules.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes checks on what the real kubectl writes, as {@code portcullis config FILE} runs
 * them: manifests made with {@code kubectl create|run … --dry-run=client -o yaml}, and hardened
 * variants made from them with {@code kubectl set resources|image --local} and
 * {@code kubectl patch --local}. kubectl runs offline: its HOME and kubeconfig live in a temporary
 * directory and name a server on 127.0.0.1 port 1, where nothing listens. {@code kubectl run} and
 * {@code create role --resource=NAME} map names to kinds through the server's API discovery; its
 * cache ({@code --cache-dir}) is seeded with the core group's pods and secrets, so they never ask.
 * Expected lines are found in kubectl's own output, which differs a little between versions
 * (Debian's 1.20, 1.32).
 */
class KubectlManifestsIT {
  private static final String DIGEST = "sha256:" + "4f".repeat(32);
  /**
   * What kubectl's default Deployment, Pod, Job and CronJob share: a container with no hardening at all, run as the default
   * service account with its token.
   */
  private static final Set<String> CONTAINER_DEFAULTS = Set.of("PCS-K8S-015", "PCS-K8S-016", "PCS-K8S-018", "PCS-K8S-019", "PCS-K8S-022",
      "PCS-K8S-023", "PCS-K8S-024", "PCS-K8S-025", "PCS-K8S-026", "PCS-K8S-027", "PCS-K8S-033", "PCS-K8S-035", "PCS-K8S-046");

  @TempDir static Path work;
  private static List<String> kubectl;
  private static Map<String, String> env;

  @BeforeAll
  static void offlineKubectl() throws IOException {
    Path home = Files.createDirectories(work.resolve("home"));
    Path kubeconfig = home.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: nowhere
          cluster: {server: "http://127.0.0.1:1"}
        contexts:
        - name: nowhere
          context: {cluster: nowhere}
        current-context: nowhere
        """);
    Path cache = home.resolve("cache");
    Path discovery = Files.createDirectories(cache.resolve("discovery/127.0.0.1_1/v1"));
    Files.writeString(discovery.getParent().resolve("servergroups.json"), """
        {"kind": "APIGroupList", "apiVersion": "v1", "groups": [{"name": "", "versions": [{"groupVersion": "v1", "version": "v1"}],
          "preferredVersion": {"groupVersion": "v1", "version": "v1"}}]}
        """);
    Files.writeString(discovery.resolve("serverresources.json"), """
        {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": [
          {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ["create", "get", "list"]},
          {"name": "secrets", "singularName": "secret", "namespaced": true, "kind": "Secret", "verbs": ["create", "get", "list"]}]}
        """);
    kubectl = List.of(Tools.require("kubectl").toString(), "--cache-dir=" + cache);
    env = Map.of("HOME", home.toString(), "KUBECONFIG", kubeconfig.toString());
  }

  /** kubectl's stdout; {@code args} as on the command line. */
  private static String kubectl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(kubectl);
    cmd.addAll(List.of(args));
    return Tools.run(Duration.ofMinutes(1), env, cmd).stdoutText();
  }

  /** kubectl's output saved as {@code name}, to feed the next {@code --local} step. */
  private static Path save(String name, String yaml) throws IOException {
    return Files.writeString(work.resolve(name), yaml);
  }

  private static Report check(String name, String yaml) {
    Report r = new Engine(Checks.all()).evaluate(Manifests.parse(name, yaml));
    assertThat(r.problems()).as(name + " parses").isEmpty();
    return r;
  }

  private static Set<String> ids(Report r) {
    return r.findings().stream().map(f -> f.check().id()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> union(Set<String> a, String... more) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(List.of(more));
    return out;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  /** The line (from 1) of the one line of {@code text} that holds {@code needle}. */
  private static int lineOf(String text, String needle) {
    List<String> lines = text.lines().toList();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(needle)) {
        at.add(i + 1);
      }
    }
    assertThat(at).as("lines holding '%s' in%n%s", needle, text).hasSize(1);
    return at.get(0);
  }

  /** Each finding of {@code id} as {@code line: message}. */
  private static List<String> at(Report r, String id) {
    return r.findings().stream().filter(f -> f.check().id().equals(id)).map(KubectlManifestsIT::lineAndMessage).toList();
  }

  private static String lineAndMessage(CheckFinding f) {
    return ((FindingLocation.InFile) f.location()).line() + ": " + f.message();
  }

  private static int line(Report r, String id) {
    List<Integer> lines = r.findings().stream().filter(f -> f.check().id().equals(id)).map(f -> ((FindingLocation.InFile) f.location()).line()).toList();
    assertThat(lines).as(id).hasSize(1);
    return lines.get(0);
  }

  @Test
  void theDefaultDeploymentIsFoundUnhardenedOnKubectlsLines() throws IOException {
    String yaml = kubectl("create", "deployment", "web", "--image=nginx:1.27", "--dry-run=client", "-o", "yaml");
    assertThat(yaml).contains("creationTimestamp: null", "resources: {}", "status: {}", "strategy: {}");
    Report r = check("deployment.yaml", yaml);

    assertThat(ids(r)).containsExactlyElementsOf(union(CONTAINER_DEFAULTS, "PCS-K8S-029", "PCS-K8S-036", "PCS-K8S-037", "PCS-K8S-045"));
    int container = lineOf(yaml, "- image: nginx:1.27"); // kubectl sorts keys: image comes first
    for (String id : List.of("PCS-K8S-015", "PCS-K8S-016", "PCS-K8S-018", "PCS-K8S-019", "PCS-K8S-022", "PCS-K8S-029", "PCS-K8S-036", "PCS-K8S-037",
        "PCS-K8S-045")) {
      assertThat(line(r, id)).as(id).isEqualTo(container);
    }
    for (String id : List.of("PCS-K8S-023", "PCS-K8S-024", "PCS-K8S-025", "PCS-K8S-026")) {
      assertThat(line(r, id)).as(id).isEqualTo(lineOf(yaml, "resources: {}"));
    }
    assertThat(line(r, "PCS-K8S-027")).as("the pod spec's first line").isEqualTo(lineOf(yaml, "containers:"));
    assertThat(at(r, "PCS-K8S-046")).containsExactly(lineOf(yaml, "containers:") + ": Deployment/web runs as the default service account with its token");
    assertThat(at(r, "PCS-K8S-016")).containsExactly(container + ": Deployment/web container nginx may run as root (runAsNonRoot is not true)"
        + " (Pod Security Standards restricted)");
    assertThat(at(r, "PCS-K8S-035")).containsExactly(lineOf(yaml, "kind: Deployment") + ": Deployment/web is in the default namespace (none given)");
    assertThat(at(r, "PCS-K8S-023")).containsExactly(lineOf(yaml, "resources: {}") + ": Deployment/web container nginx has no memory limit");
    assertThat(at(r, "PCS-K8S-029")).containsExactly(container + ": Deployment/web container nginx image nginx:1.27 has no digest");
  }

  @Test
  void eachHardeningStepClearsExactlyItsRules() throws IOException {
    String yaml = kubectl("create", "deployment", "web", "--image=nginx:1.27", "--port=8080", "--dry-run=client", "-o", "yaml");
    Set<String> before = ids(check("0.yaml", yaml));
    record Step(String what, List<String> args, Set<String> clears) {}
    List<Step> steps = List.of(
        new Step("limits and requests", List.of("set", "resources", "--limits=cpu=500m,memory=256Mi", "--requests=cpu=100m,memory=128Mi"),
            Set.of("PCS-K8S-023", "PCS-K8S-024", "PCS-K8S-025", "PCS-K8S-026")),
        new Step("an image digest", List.of("set", "image", "nginx=nginx:1.27@" + DIGEST), Set.of("PCS-K8S-029", "PCS-K8S-045")),
        new Step("the pod's security context and no token", List.of("patch", "--type=strategic", "-p", """
            {"spec": {"template": {"spec": {"automountServiceAccountToken": false, "securityContext": {"runAsNonRoot": true, "runAsUser": 10001,
              "runAsGroup": 10001, "fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}}}}}}"""),
            Set.of("PCS-K8S-016", "PCS-K8S-018", "PCS-K8S-027", "PCS-K8S-046")),
        new Step("the container's security context", List.of("patch", "--type=strategic", "-p", """
            {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "securityContext": {"allowPrivilegeEscalation": false,
              "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}}}]}}}}"""),
            Set.of("PCS-K8S-015", "PCS-K8S-019", "PCS-K8S-022")),
        new Step("probes", List.of("patch", "--type=strategic", "-p", """
            {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
              "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}}}"""),
            Set.of("PCS-K8S-036", "PCS-K8S-037")),
        new Step("a namespace", List.of("patch", "--type=merge", "-p", "{\"metadata\": {\"namespace\": \"shop\"}}"), Set.of("PCS-K8S-035")));
    int n = 0;
    for (Step step : steps) {
      Path input = save(n + ".yaml", yaml);
      List<String> args = new ArrayList<>(step.args());
      args.addAll(List.of("--local", "-f", input.toString(), "-o", "yaml"));
      yaml = kubectl(args.toArray(String[]::new));
      Set<String> after = ids(check(++n + ".yaml", yaml));
      assertThat(before).as(step.what()).containsAll(step.clears());
      assertThat(after).as(step.what() + " clears exactly " + step.clears()).isEqualTo(minus(before, step.clears()));
      before = after;
    }
    assertThat(yaml).contains("@" + DIGEST, "runAsNonRoot: true", "readOnlyRootFilesystem: true", "namespace: shop");
    assertThat(before).as("left: the NetworkPolicy, which kubectl cannot create").containsExactly("PCS-K8S-033");

    String policy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: shop}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;
    assertThat(check("hardened.yaml", yaml + "---\n" + policy).findings()).isEmpty();
  }

  @Test
  void aPodFromKubectlRunAndItsTag() throws IOException {
    String yaml = kubectl("run", "debug", "--image=busybox", "--dry-run=client", "-o", "yaml", "--", "sleep", "3600");
    Report r = check("pod.yaml", yaml);
    // a bare Pod is asked for probes too; an untagged image has no digest either
    assertThat(ids(r)).containsExactlyElementsOf(union(CONTAINER_DEFAULTS, "PCS-K8S-028", "PCS-K8S-029", "PCS-K8S-036", "PCS-K8S-037"));
    assertThat(at(r, "PCS-K8S-028")).containsExactly(lineOf(yaml, "image: busybox") + ": Pod/debug container debug uses image busybox");
    assertThat(at(r, "PCS-K8S-029")).containsExactly(lineOf(yaml, "image: busybox") + ": Pod/debug container debug image busybox has no digest");

    String tagged = kubectl("set", "image", "--local", "-f", save("pod.yaml", yaml).toString(), "debug=busybox:1.36", "-o", "yaml");
    Report t = check("tagged.yaml", tagged);
    assertThat(ids(t)).containsExactlyElementsOf(union(CONTAINER_DEFAULTS, "PCS-K8S-029", "PCS-K8S-036", "PCS-K8S-037", "PCS-K8S-045"));
    assertThat(at(t, "PCS-K8S-029")).containsExactly(lineOf(tagged, "image: busybox:1.36") + ": Pod/debug container debug image busybox:1.36 has no digest");

    String worse = kubectl("patch", "--local", "-f", save("tagged.yaml", tagged).toString(), "--type=strategic", "-o", "yaml", "-p", """
        {"spec": {"hostPID": true, "containers": [{"name": "debug", "securityContext": {"privileged": true},
          "volumeMounts": [{"name": "docker", "mountPath": "/var/run/docker.sock"}]}],
          "volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}]}}""");
    Report w = check("worse.yaml", worse);
    assertThat(minus(ids(w), ids(t))).containsExactly("PCS-K8S-001", "PCS-K8S-002", "PCS-K8S-006", "PCS-K8S-007", "PCS-K8S-021");
    String baseline = " (Pod Security Standards baseline)";
    assertThat(at(w, "PCS-K8S-001")).containsExactly(lineOf(worse, "privileged: true") + ": Pod/debug container debug is privileged" + baseline);
    assertThat(at(w, "PCS-K8S-002")).containsExactly(lineOf(worse, "hostPID: true") + ": Pod/debug sets hostPID" + baseline);
    assertThat(at(w, "PCS-K8S-007")).containsExactly(lineOf(worse, "hostPath:") + ": Pod/debug mounts /var/run/docker.sock from the node" + baseline);
  }

  @Test
  void jobsAndCronJobsAreCheckedThroughTheirTemplates() throws IOException {
    String job = kubectl("create", "job", "backup", "--image=postgres:16", "--dry-run=client", "-o", "yaml", "--", "pg_dump", "app");
    Report j = check("job.yaml", job);
    assertThat(ids(j)).as("no probes asked of a Job").containsExactlyElementsOf(union(CONTAINER_DEFAULTS, "PCS-K8S-029", "PCS-K8S-045"));
    assertThat(line(j, "PCS-K8S-015")).as("the container's first line").isEqualTo(lineOf(job, "- command:"));
    assertThat(at(j, "PCS-K8S-029")).containsExactly(lineOf(job, "image: postgres:16") + ": Job/backup container backup image postgres:16 has no digest");

    // Debian's kubectl 1.20 writes batch/v1beta1, newer ones batch/v1: the checks do not mind
    String cron = kubectl("create", "cronjob", "nightly", "--image=alpine:3.20", "--schedule=0 3 * * *", "--dry-run=client", "-o", "yaml",
        "--", "sh", "-c", "true");
    Report c = check("cronjob.yaml", cron);
    assertThat(ids(c)).containsExactlyElementsOf(union(CONTAINER_DEFAULTS, "PCS-K8S-029", "PCS-K8S-045"));
    assertThat(at(c, "PCS-K8S-016")).containsExactly(lineOf(cron, "- command:") + ": CronJob/nightly container nightly may run as root (runAsNonRoot is not true)"
        + " (Pod Security Standards restricted)");
    assertThat(line(c, "PCS-K8S-023")).isEqualTo(lineOf(cron, "resources: {}"));
  }

  @Test
  void rbacWildcardsAndClusterAdminBindingsAreReported() throws IOException {
    String role = kubectl("create", "role", "admin", "--verb=*", "--resource=*", "--dry-run=client", "-o", "yaml");
    assertThat(at(check("role.yaml", role), "PCS-K8S-031")).containsExactly(
        lineOf(role, "resources:") + ": Role/admin grants every verb ('*') on every resource ('*') in API groups [core]");
    assertThat(at(check("role.yaml", role), "PCS-K8S-040")).containsExactly(lineOf(role, "verbs:") + ": Role/admin grants [*] on [*]");
    String clusterRole = kubectl("create", "clusterrole", "everything", "--verb=*", "--resource=*", "--dry-run=client", "-o", "yaml");
    assertThat(ids(check("clusterrole.yaml", clusterRole))).as("verbs '*' grants escalate and bind").containsExactly("PCS-K8S-031", "PCS-K8S-040");
    assertThat(at(check("clusterrole.yaml", clusterRole), "PCS-K8S-031")).singleElement().satisfies(f -> assertThat(f).contains("ClusterRole/everything grants every verb"));
    String verbsOnly = kubectl("create", "role", "pod-admin", "--verb=*", "--resource=pods", "--dry-run=client", "-o", "yaml");
    assertThat(ids(check("pod-admin.yaml", verbsOnly))).as("one '*' is not any verb on any resource").doesNotContain("PCS-K8S-031").contains("PCS-K8S-040");

    String binding = kubectl("create", "clusterrolebinding", "ops-admin", "--clusterrole=cluster-admin", "--user=ops", "--dry-run=client", "-o", "yaml");
    assertThat(at(check("binding.yaml", binding), "PCS-K8S-032"))
        .containsExactly(lineOf(binding, "name: cluster-admin") + ": ClusterRoleBinding/ops-admin binds cluster-admin");
    String local = kubectl("create", "rolebinding", "ops", "--clusterrole=cluster-admin", "--user=ops", "-n", "shop", "--dry-run=client", "-o", "yaml");
    assertThat(at(check("rolebinding.yaml", local), "PCS-K8S-032")).containsExactly(lineOf(local, "name: cluster-admin") + ": RoleBinding/ops binds cluster-admin");

    String secrets = kubectl("create", "role", "secret-reader", "--verb=get", "--verb=list", "--resource=secrets", "--dry-run=client", "-o", "yaml");
    assertThat(at(check("secret-reader.yaml", secrets), "PCS-K8S-039")).containsExactly(lineOf(secrets, "resources:") + ": Role/secret-reader can read all secrets");
    assertThat(ids(check("secret-reader.yaml", secrets))).as("and, named in no namespace, it is in default").containsExactly("PCS-K8S-035", "PCS-K8S-039");

    String narrow = kubectl("create", "role", "pod-reader", "--verb=get", "--verb=list", "--resource=pods", "-n", "shop", "--dry-run=client", "-o", "yaml");
    String view = kubectl("create", "clusterrolebinding", "ops-view", "--clusterrole=view", "--user=ops", "--dry-run=client", "-o", "yaml");
    assertThat(check("narrow.yaml", narrow + "---\n" + view).findings()).isEmpty();
  }

  @Test
  void aPasswordInAConfigMapButNotInASecret() throws IOException {
    String configMap = kubectl("create", "configmap", "app", "--from-literal=DB_PASSWORD=Vq8mZt2LxR4wPk7s", "--from-literal=LOG_LEVEL=info",
        "--dry-run=client", "-o", "yaml");
    Report r = check("configmap.yaml", configMap);
    assertThat(ids(r)).containsExactly("PCS-K8S-035", "PCS-K8S-038");
    assertThat(at(r, "PCS-K8S-038")).singleElement().satisfies(f -> {
      assertThat(f).startsWith(lineOf(configMap, "DB_PASSWORD:") + ": ConfigMap/app key DB_PASSWORD holds ");
      assertThat(f).doesNotContain("Vq8mZt2LxR4wPk7s");
    });
    String secret = kubectl("create", "secret", "generic", "db", "--from-literal=password=Vq8mZt2LxR4wPk7s", "-n", "shop", "--dry-run=client", "-o", "yaml");
    assertThat(check("secret.yaml", secret).findings()).isEmpty();
    String inDefault = kubectl("create", "secret", "generic", "db", "--from-literal=password=Vq8mZt2LxR4wPk7s", "--dry-run=client", "-o", "yaml");
    assertThat(at(check("secret-in-default.yaml", inDefault), "PCS-K8S-035"))
        .containsExactly(lineOf(inDefault, "kind: Secret") + ": Secret/db is in the default namespace (none given)");
  }

  @Test
  void everythingKubectlWroteReadsAsOneStreamAndAsJson() throws IOException {
    List<String> docs = List.of(
        kubectl("create", "deployment", "web", "--image=nginx:1.27", "--dry-run=client", "-o", "yaml"),
        kubectl("run", "debug", "--image=busybox", "--dry-run=client", "-o", "yaml"),
        kubectl("create", "job", "backup", "--image=postgres:16", "--dry-run=client", "-o", "yaml"),
        kubectl("create", "cronjob", "nightly", "--image=alpine:3.20", "--schedule=0 3 * * *", "--dry-run=client", "-o", "yaml"),
        kubectl("create", "configmap", "app", "--from-literal=LOG_LEVEL=info", "--dry-run=client", "-o", "yaml"),
        kubectl("create", "clusterrolebinding", "ops-view", "--clusterrole=view", "--user=ops", "--dry-run=client", "-o", "yaml"));
    Manifests all = Manifests.parse("all.yaml", String.join("---\n", docs));
    assertThat(all.problems()).isEmpty();
    assertThat(all.resources()).extracting(Manifests.Resource::kind)
        .containsExactly("Deployment", "Pod", "Job", "CronJob", "ConfigMap", "ClusterRoleBinding");
    assertThat(all.workloads()).hasSize(4).allSatisfy(w -> assertThat(w.containers()).hasSize(1));

    String json = kubectl("create", "deployment", "web", "--image=nginx:1.27", "--dry-run=client", "-o", "json");
    Report j = check("deployment.json", json);
    assertThat(ids(j)).isEqualTo(ids(check("deployment.yaml", docs.get(0))));
    assertThat(line(j, "PCS-K8S-023")).isEqualTo(lineOf(json, "\"resources\": {}"));
  }
}
