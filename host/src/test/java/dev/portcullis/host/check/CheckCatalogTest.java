package dev.portcullis.host.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.host.Audit;
import dev.portcullis.host.HostCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Check data is validated at load: the built-ins load, and each kind of mistake stops the load with a clear message. */
class CheckCatalogTest {
  static final String ONE = """
      checks:
        - id: PCS-HOST-DOCKER-901
          title: t
          benchmark: CIS Docker Benchmark 2.2
          profile: docker
          level: 1
          severity: medium
          automated: true
          audit: {kind: setting, source: dockerd, key: icc}
          test: {equals: false}
          remediation: r
      """;

  @Test
  void theBuiltInsLoadWithTheAgreedContainerTests() {
    CheckCatalog c = CheckCatalog.builtIn(dev.portcullis.host.containers.ContainerTests::named);
    assertThat(c.all()).hasSizeGreaterThanOrEqualTo(75);
    assertThat(c.all().stream().filter(h -> h.audit() instanceof Audit.ContainerTest)).hasSize(14);
    assertThat(c.get("PCS-HOST-CTR-008").orElseThrow().audit()).isEqualTo(new Audit.ContainerTest("sensitive-mount"));
    assertThat(CheckCatalog.builtInWithoutContainers().all()).hasSize(c.all().size() - 14).noneMatch(h -> h.id().startsWith("PCS-HOST-CTR"));
    assertThat(c.all()).allSatisfy(h -> assertThat(h.benchmark()).matches("CIS (Docker|Kubernetes|Distribution Independent Linux) Benchmark .*"
        + "|CIS Distribution Independent Linux .*"));
  }

  @Test
  void aDuplicateIdStopsTheLoad() {
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE, "b.yaml", ONE), dev.portcullis.host.containers.ContainerTests::named))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("the ID PCS-HOST-DOCKER-901 is taken twice");
  }

  @Test
  void anUnknownAuditKindStopsTheLoad() {
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("kind: setting", "kind: registry")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("a.yaml checks[0] PCS-HOST-DOCKER-901: unknown audit kind registry");
  }

  @Test
  void anUnknownContainerTestStopsTheLoad() {
    String text = ONE.replace("{kind: setting, source: dockerd, key: icc}", "{kind: container, test: runs-as-wheel}").replace("    test: {equals: false}\n", "");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("c.yaml", text), dev.portcullis.host.containers.ContainerTests::named)).hasMessageContaining("unknown container test runs-as-wheel");
  }

  @Test
  void otherMistakesAreNamed() {
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("equals: false", "greater: 1")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("unknown test greater");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("source: dockerd", "source: etcd")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("unknown setting source etcd");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("level: 1", "level: 3")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("level is 1 or 2");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("PCS-HOST-DOCKER-901", "PCS-DOCKER-1")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("a host check ID looks like PCS-HOST-DOCKER-001");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE + "    rationale: x\n"), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("unknown field 'rationale'");
    assertThatThrownBy(() -> CheckCatalog.parse(Map.of("a.yaml", ONE.replace("test: {equals: false}", "test: {at-least: many}")), dev.portcullis.host.containers.ContainerTests::named))
        .hasMessageContaining("at-least takes a number");
    HostCheck ok = CheckCatalog.parse(Map.of("a.yaml", ONE), dev.portcullis.host.containers.ContainerTests::named).all().get(0);
    assertThat(ok.file()).isEqualTo("a.yaml");
  }
}
