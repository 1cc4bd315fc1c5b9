package dev.portcullis.rules.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.rules.CheckFixtureRunner;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Kubernetes check against its fixtures: {@code bad.yaml} (the hardened manifest with one
 * defect) hits it on the line its last comment names, {@code good.yaml} (a near miss) does not.
 */
class KubernetesChecksTest {
  static String resource(String name) throws IOException {
    try (InputStream in = KubernetesChecksTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCheckAgainstItsFixtures() {
    return CheckFixtureRunner.tests(KubernetesChecksTest.class, KubernetesChecks.all(),
        f -> Manifests.parse(f.name(), Files.readString(f.path(), StandardCharsets.UTF_8)));
  }

  @Test
  void theHardenedManifestPassesEveryCheck() throws IOException {
    Report r = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("hardened.yaml", resource("checks/hardened.yaml")));
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void everyWorkloadKindAndListItemsAreChecked() {
    String pod = "spec:\n  containers:\n    - name: c\n      image: x:1\n      securityContext: {privileged: true}\n";
    String tmpl = "  template:\n" + pod.replaceAll("(?m)^", "    ").stripTrailing() + "\n";
    String text = String.join("---\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n" + pod,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n" + tmpl,
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n" + tmpl,
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec:\n" + tmpl,
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n" + tmpl,
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n" + tmpl.replaceAll("(?m)^", "    "),
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: dep}\n    spec:\n" + tmpl.replaceAll("(?m)^", "    "),
        "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: dc}\nspec:\n  selector: {app: dc}\n" + tmpl,
        "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: pt}\n" + tmpl.replaceAll("(?m)^  ", ""),
        "apiVersion: example.com/v1\nkind: Workers\nmetadata: {name: custom}\nspec:\n" + tmpl);
    Report r = new Engine(List.of(KubernetesChecks.all().get(0))).evaluate(Manifests.parse("all.yaml", text));
    assertThat(r.problems()).isEmpty();
    assertThat(r.findings()).extracting(CheckFinding::message).containsExactlyElementsOf(Stream.of("Pod/p", "StatefulSet/s", "DaemonSet/d",
        "ReplicaSet/r", "Job/j", "CronJob/cj", "Deployment/dep", "DeploymentConfig/dc", "PodTemplate/pt", "Workers/custom")
        .map(w -> w + " container c is privileged (Pod Security Standards baseline)").toList());
  }

  @Test
  void aPodTemplateThatCannotBeReadIsAProblemNotAPass() {
    String text = String.join("---\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    - spec: {containers: [{name: c, image: x:1}]}\n",
        "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: dc}\nspec:\n  template:\n    spec:\n      containers: {name: c}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: [containers]\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: scaled-to-nothing}\nspec: {replicas: 0}\n");
    Report r = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("malformed.yaml", text));
    assertThat(r.problems()).extracting(p -> p.line() + ": " + p.message()).containsExactly(
        "6: Deployment/web: spec.template is a list, not a map; its pods were not checked",
        "14: DeploymentConfig/dc: spec.template.spec.containers is a map, not a list; its pods were not checked",
        "19: Pod/p: spec is a list, not a map; its pods were not checked");
  }

  @Test
  void podSecurityFindingsNameTheirLevelAndANamespaceChoosesItsOwn() {
    String workload = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: %s}\nspec:\n  securityContext: {runAsUser: 1000}\n"
        + "  containers:\n    - name: c\n      image: x:1\n      securityContext: {privileged: true}\n";
    String namespaces = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: legacy\n  labels: {pod-security.kubernetes.io/enforce: baseline}\n---\n"
        + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: agents\n  labels: {pod-security.kubernetes.io/enforce: privileged}\n---\n";
    Report r = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("pss.yaml",
        namespaces + String.join("---\n", workload.formatted("shop"), workload.formatted("legacy"), workload.formatted("agents"))));
    assertThat(r.findings()).filteredOn(f -> f.check().id().equals("PCS-K8S-016")).extracting(CheckFinding::message)
        .containsExactly("Pod/p container c may run as root (runAsNonRoot is not true) (Pod Security Standards restricted)");
    assertThat(r.findings()).filteredOn(f -> f.check().id().equals("PCS-K8S-001")).extracting(CheckFinding::message)
        .containsExactly("Pod/p container c is privileged (Pod Security Standards baseline)", "Pod/p container c is privileged (Pod Security Standards baseline)");
    assertThat(r.findings()).filteredOn(f -> f.check().id().equals("PCS-K8S-044")).hasSize(3)
        .allSatisfy(f -> assertThat(f.message()).doesNotContain("Pod Security Standards"));
  }

  /** {@code kubectl create deployment web --image=nginx:1.27 --dry-run=client -o yaml} (1.32) writes {@code resources: {}} into the container. */
  @Test
  void aMissingLimitOrRequestPointsAtTheResourcesKey() throws IOException {
    Report kubectl = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("create-deployment.yaml", resource("kubectl/create-deployment.yaml")));
    assertThat(kubectl.problems()).isEmpty();
    assertThat(kubectl.findings()).filteredOn(f -> f.check().id().matches("PCS-K8S-02[3-6]"))
        .extracting(f -> f.check().id() + ":" + ((FindingLocation.InFile) f.location()).line())
        .containsExactlyInAnyOrder("PCS-K8S-023:23", "PCS-K8S-024:23", "PCS-K8S-025:23", "PCS-K8S-026:23");

    String noResources = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x:1\n";
    Report bare = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("bare.yaml", noResources));
    assertThat(bare.findings()).filteredOn(f -> f.check().id().matches("PCS-K8S-02[3-6]"))
        .extracting(f -> ((FindingLocation.InFile) f.location()).line()).containsExactly(6, 6, 6, 6);
  }

  @Test
  void malformedYamlIsAProblemWithLineAndColumn() {
    Report r = new Engine(KubernetesChecks.all()).evaluate(Manifests.parse("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n"));
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo("broken.yaml");
      assertThat(p.line()).isGreaterThan(0);
      assertThat(p.column()).isGreaterThan(0);
      assertThat(p.message()).startsWith("malformed YAML");
    });
  }

  @Test
  void anAliasBombStopsEarly() {
    StringBuilder y = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      y.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p)
          .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
    }
    long start = System.nanoTime();
    Manifests m = Manifests.parse("bomb.yaml", y.toString());
    assertThat(m.problems()).singleElement().satisfies(p -> assertThat(p.message()).containsAnyOf("alias", "nodes"));
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }
}
