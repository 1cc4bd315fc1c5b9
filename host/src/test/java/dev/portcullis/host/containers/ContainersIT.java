package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Podman;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real podman and a real Docker engine run containers with and without risky flags; the tests flag exactly those. */
class ContainersIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void podmanContainersAreListedAndEachFailsExactlyTheTestsItsFlagsCallFor() throws Exception {
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      LiveContainers.importInto(podman, LiveContainers.rootfsTar(dir));
      for (LiveContainers.Case c : LiveContainers.CASES) {
        LiveContainers.start(podman, c);
      }
      // a stopped container is not running and is not judged
      podman.run(Podman.DEADLINE, List.of("--name", "exited", LiveContainers.IMAGE, "true"));

      List<ContainerFacts> running = new PodmanContainers(podman.command(List.of())).running(DEADLINE);

      assertThat(running).extracting(ContainerFacts::name)
          .containsExactlyElementsOf(LiveContainers.CASES.stream().map(LiveContainers.Case::name).sorted().toList());
      assertThat(running).allSatisfy(c -> assertThat(c.engine()).isEqualTo("podman"));
      assertThat(failures(running)).isEqualTo(expected("podman"));
    }
  }

  @Test
  void dockerContainersAreListedOverTheEngineSocketAndEachFailsExactlyTheTestsItsFlagsCallFor() throws Exception {
    try (Dockerd dockerd = Dockerd.start(Dockerd.Options.defaults().withBoundedRuntime())) {
      try {
        LiveContainers.importInto(dockerd, LiveContainers.rootfsTar(dir));
        for (LiveContainers.Case c : LiveContainers.CASES) {
          LiveContainers.start(dockerd, c);
        }
        LiveContainers.Case userns = new LiveContainers.Case("host-userns", List.of("--userns", "host"),
            Set.of("host-userns"));
        LiveContainers.Case socket = new LiveContainers.Case("engine-socket",
            List.of("-v", dockerd.socket() + ":/var/run/docker.sock"), Set.of("sensitive-mount"));
        LiveContainers.start(dockerd, userns);
        LiveContainers.start(dockerd, socket);

        List<ContainerFacts> running = new DockerContainers(dockerd.socket()).running(DEADLINE);

        assertThat(running).hasSize(LiveContainers.CASES.size() + 2);
        assertThat(running).allSatisfy(c -> assertThat(c.engine()).isEqualTo("docker"));
        Map<String, Set<String>> expected = expected("docker");
        expected.put(userns.name(), userns.expected("docker"));
        expected.put(socket.name(), socket.expected("docker"));
        assertThat(failures(running)).isEqualTo(expected);
        assertThat(ContainerTests.named("sensitive-mount").orElseThrow().failure(byName(running, "engine-socket")))
            .get().asString().endsWith("mounts " + dockerd.socket() + " at /var/run/docker.sock (writable)");
      } finally {
        LiveContainers.removeAll(dockerd);
      }
    }
  }

  @Test
  void anEngineWithNothingRunningHasNoContainers() throws Exception {
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      assertThat(new PodmanContainers(podman.command(List.of())).running(DEADLINE)).isEmpty();
    }
  }

  private static ContainerFacts byName(List<ContainerFacts> all, String name) {
    return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, Set<String>> expected(String engine) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (LiveContainers.Case c : LiveContainers.CASES) {
      out.put(c.name(), c.expected(engine));
    }
    return out;
  }

  private static Map<String, Set<String>> failures(List<ContainerFacts> running) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ContainerFacts c : running) {
      out.put(c.name(), ContainerTests.all().stream().filter(t -> t.failure(c).isPresent())
          .map(ContainerFacts.Test::name).collect(Collectors.toCollection(TreeSet::new)));
    }
    return out;
  }
}
