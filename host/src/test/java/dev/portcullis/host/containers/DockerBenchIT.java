package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Side by side with docker-bench-security on one engine: the same containers, its verdicts (recorded in {@code
 * docker-bench-recorded-ENGINE.json}, or live from the checkout {@code PORTCULLIS_DOCKER_BENCH} names) against our
 * container tests, for every check {@code docker-bench-map.tsv} maps, as its column for the engine says. Docker is a
 * real dockerd with a daemon.json; podman is real podman answering docker-bench-security through its Docker-compatible
 * API ({@code podman system service}), while our side asks podman itself. With {@code PORTCULLIS_DOCKER_BENCH} and
 * {@code -Dportcullis.updateGolden=true} the recordings are rewritten from the live runs.
 */
class DockerBenchIT {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path RESOURCES = Path.of("src/test/resources/dev/portcullis/host/containers");
  private static final String SOCKET_PLACEHOLDER = "ENGINE_SOCKET";
  private static final List<String> BENCH_ARGS = List.of("-b", "-c", "container_images,container_runtime");
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** A daemon.json a careful operator might write; only the container section is compared so far. */
  static final String DAEMON_JSON = """
      {
        "live-restore": true,
        "userland-proxy": false,
        "log-level": "info",
        "no-new-privileges": true
      }
      """;

  /** The Docker containers: those of ContainersIT, and three more. */
  static List<LiveContainers.Case> dockerContainers() {
    List<LiveContainers.Case> all = new ArrayList<>(LiveContainers.CASES);
    all.add(new LiveContainers.Case("host-userns", List.of("--userns", "host"), Set.of("host-userns")));
    all.add(new LiveContainers.Case("engine-socket", List.of("-v", SOCKET_PLACEHOLDER + ":/var/run/docker.sock"),
        Set.of("sensitive-mount")));
    all.add(new LiveContainers.Case("apparmor-unconfined", List.of("--security-opt", "apparmor=unconfined"),
        Set.of("apparmor")));
    return all;
  }

  /** The podman containers: those of ContainersIT, one without the PIDs limit podman sets by default, and AppArmor off. */
  static List<LiveContainers.Case> podmanContainers() {
    List<LiveContainers.Case> all = new ArrayList<>(LiveContainers.CASES);
    all.add(new LiveContainers.Case("no-pids-limit", List.of("--pids-limit", "-1"), Set.of("pids-limit")));
    all.add(new LiveContainers.Case("apparmor-unconfined", List.of("--security-opt", "apparmor=unconfined"),
        Set.of("apparmor")));
    return all;
  }

  /** One row of the map: its check, our ID and test, and how the two relate on each engine ("-": not exercised). */
  record Mapping(String check, String id, String test, String onDocker, String onPodman) {}

  record Verdict(String result, Set<String> failing) {}

  @TempDir Path dir;

  @Test
  void onDockerEveryCheckBothImplementAgreesAsTheMapSays() throws Exception {
    List<Mapping> mappings = readMap();
    ObjectNode setup = setup("testkit Dockerd: dockerd --data-root --exec-root -H unix://SOCKET --iptables=false"
        + " --ip-masq=false --bridge=none --config-file daemon.json, default runtime runc-bounded (runc without the"
        + " capabilities outside the test's bounding set)", "docker import", dockerContainers(), true);
    setup.set("daemonJson", JSON.readTree(DAEMON_JSON));
    try (Dockerd dockerd = Dockerd.start(Dockerd.Options.defaults().withDaemonJson(DAEMON_JSON).withBoundedRuntime())) {
      try {
        LiveContainers.importInto(dockerd, LiveContainers.rootfsTar(dir));
        for (LiveContainers.Case c : dockerContainers()) {
          List<String> flags = c.flags().stream().map(f -> f.replace(SOCKET_PLACEHOLDER, dockerd.socket().toString()))
              .toList();
          LiveContainers.start(dockerd, new LiveContainers.Case(c.name(), flags, c.fails()));
        }
        String engine = "dockerd " + dockerd.docker("version", "--format",
            "{{.Server.Version}} (API {{.Server.APIVersion}})").stdoutText().strip();
        Map<String, Verdict> theirs = theirVerdicts("docker", setup, dockerd.host(), engine);
        List<ContainerFacts> running = new DockerContainers(dockerd.socket()).running(DEADLINE);
        assertThat(running).hasSize(dockerContainers().size());
        compare("docker", mappings, theirs, running);
      } finally {
        LiveContainers.removeAll(dockerd);
      }
    }
  }

  @Test
  void onPodmanEveryCheckBothImplementAgreesAsTheMapSays() throws Exception {
    List<Mapping> mappings = readMap();
    ObjectNode setup = setup("testkit Podman (podman 4.3, runc, vfs, cgroupfs, its own store); docker-bench-security"
        + " talks to it through podman system service --time=0 unix://SOCKET (the Docker-compatible API), ours runs"
        + " podman ps and podman inspect", "podman import", podmanContainers(), false);
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      LiveContainers.importInto(podman, LiveContainers.rootfsTar(dir));
      for (LiveContainers.Case c : podmanContainers()) {
        LiveContainers.start(podman, c);
      }
      Path socket = Files.createTempDirectory(Path.of("/tmp"), "pcs-compat-").resolve("podman.sock");
      Process service = new ProcessBuilder(podman.command(List.of("system", "service", "--time=0", "unix://" + socket)))
          .redirectErrorStream(true).redirectOutput(dir.resolve("podman-service.log").toFile()).start();
      try {
        awaitSocket(socket, service);
        String engine = "podman " + podman.podman(Podman.DEADLINE, List.of("version", "--format", "{{.Server.Version}}"))
            .stdoutText().strip() + " system service (Docker-compatible API)";
        Map<String, Verdict> theirs = theirVerdicts("podman", setup, "unix://" + socket, engine);
        List<ContainerFacts> running = new PodmanContainers(podman.command(List.of())).running(DEADLINE);
        assertThat(running).hasSize(podmanContainers().size());
        compare("podman", mappings, theirs, running);
      } finally {
        service.destroy();
        if (!service.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          service.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(socket.getParent());
      }
    }
  }

  private static void compare(String engine, List<Mapping> mappings, Map<String, Verdict> theirs,
      List<ContainerFacts> running) throws IOException {
    writeComparison(engine, mappings, theirs, running);
    int exercised = 0;
    for (Mapping m : mappings) {
      String relation = engine.equals("docker") ? m.onDocker() : m.onPodman();
      Verdict v = theirs.get(m.check());
      assertThat(v).as("docker-bench-security's verdict on " + m.check()).isNotNull();
      assertThat(v.result()).as(m.check() + " is automated: it passes or warns").isIn("PASS", "WARN");
      Set<String> ours = failing(running, m.test());
      Set<String> its = v.failing();
      if (relation.equals("-")) {
        continue; // the engine cannot show the difference this check is about; the map's note says why
      }
      exercised++;
      assertThat(ours).as("on " + engine + " some container fails " + m.test() + " (the setup covers it)").isNotEmpty();
      String what = m.check() + " vs " + m.id() + " " + m.test() + " on " + engine;
      switch (relation) {
        case "same" -> assertThat(ours).as(what).isEqualTo(its);
        case "covers" -> assertThat(ours).as(what + ": ours covers it").containsAll(its);
        case "within" -> assertThat(its).as(what + ": it covers ours").containsAll(ours);
        default -> throw new AssertionError("relation " + relation + " of " + m.check() + " in the map");
      }
    }
    assertThat(exercised).as("mapped checks exercised on " + engine).isGreaterThanOrEqualTo(13);
  }

  /** Its verdicts: live from PORTCULLIS_DOCKER_BENCH (and recorded again when asked), else the recording. */
  private Map<String, Verdict> theirVerdicts(String engine, ObjectNode setup, String dockerHost, String engineVersion)
      throws IOException {
    String recordingName = "docker-bench-recorded-" + engine + ".json";
    String bench = System.getenv("PORTCULLIS_DOCKER_BENCH");
    if (bench != null && !bench.isBlank()) {
      ObjectNode live = runDockerBench(Path.of(bench), dockerHost, engineVersion, setup);
      if (Boolean.getBoolean("portcullis.updateGolden")) {
        Files.writeString(RESOURCES.resolve(recordingName), JSON.writeValueAsString(live) + "\n");
      }
      return verdicts(live);
    }
    JsonNode recording;
    try (InputStream in = DockerBenchIT.class.getResourceAsStream(recordingName)) {
      assertThat(in).as(recordingName).isNotNull();
      recording = JSON.readTree(in);
    }
    assertThat(recording.path("setup")).as(recordingName + " was made on this test's setup; rerun with"
        + " PORTCULLIS_DOCKER_BENCH and -Dportcullis.updateGolden=true").isEqualTo(setup);
    return verdicts(recording);
  }

  /** Its verdict per check; the containers it names for a check ("NAME" or "NAME:PATH") when it warns. */
  private static Map<String, Verdict> verdicts(JsonNode recording) {
    Map<String, Verdict> out = new TreeMap<>();
    for (JsonNode check : recording.path("checks")) {
      Set<String> names = new TreeSet<>();
      for (JsonNode item : check.path("flagged")) {
        String s = item.asText();
        names.add(s.contains(":") ? s.substring(0, s.indexOf(':')) : s);
      }
      String result = check.path("result").asText();
      out.put(check.path("id").asText(), new Verdict(result, result.equals("WARN") ? names : Set.of()));
    }
    return out;
  }

  private static Set<String> failing(List<ContainerFacts> running, String test) {
    ContainerFacts.Test t = ContainerTests.named(test).orElseThrow(() -> new AssertionError("no test " + test));
    Set<String> out = new TreeSet<>();
    for (ContainerFacts c : running) {
      if (t.failure(c).isPresent()) {
        out.add(c.name());
      }
    }
    return out;
  }

  /** Both verdicts side by side in {@code target/docker-bench-comparison-ENGINE.tsv}, for docs/host-docker-bench.md. */
  private static void writeComparison(String engine, List<Mapping> mappings, Map<String, Verdict> theirs,
      List<ContainerFacts> running) throws IOException {
    StringBuilder out = new StringBuilder("check\tresult\tits failing containers\tours\ttest\tour failing containers\n");
    for (Mapping m : mappings) {
      Verdict v = theirs.get(m.check());
      out.append(m.check()).append('\t').append(v == null ? "?" : v.result()).append('\t')
          .append(v == null ? "" : String.join(" ", v.failing())).append('\t').append(m.id()).append('\t')
          .append(m.test()).append('\t').append(String.join(" ", failing(running, m.test()))).append('\n');
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/docker-bench-comparison-" + engine + ".tsv"), out);
  }

  /** Runs the script against the engine, as root, and keeps only check IDs, results and the containers named. */
  private ObjectNode runDockerBench(Path checkout, String dockerHost, String engineVersion, ObjectNode setup)
      throws IOException {
    assertThat(checkout.resolve("docker-bench-security.sh")).as("PORTCULLIS_DOCKER_BENCH names a checkout")
        .isRegularFile();
    Path log = Files.createTempDirectory(dir, "docker-bench-").resolve("log");
    List<String> command = new ArrayList<>(List.of("sh", "-c",
        "cd \"$1\" && shift && exec sh docker-bench-security.sh \"$@\"", "sh", checkout.toString()));
    command.addAll(BENCH_ARGS);
    command.addAll(List.of("-l", log.toString()));
    Tools.Result r = Exec.run(Duration.ofMinutes(10),
        Map.of("DOCKER_HOST", dockerHost, "DOCKER_CONFIG", dir.resolve("client").toString()), command);
    assertThat(r.exitCode()).as("docker-bench-security exit code; " + r.stderr()).isZero();
    JsonNode out = JSON.readTree(Files.readString(Path.of(log + ".json"), StandardCharsets.UTF_8));
    return DockerBenchRecording.of(out, checkout, engineVersion, "sh docker-bench-security.sh " + String.join(" ", BENCH_ARGS) + " -l LOG", setup);
  }

  private static ObjectNode setup(String engine, String imported, List<LiveContainers.Case> containers, boolean docker) {
    ObjectNode setup = JSON.createObjectNode();
    setup.put("engine", engine);
    setup.put("image", LiveContainers.IMAGE + ": static busybox imported with " + imported);
    ArrayNode list = setup.putArray("containers");
    for (LiveContainers.Case c : containers) {
      ObjectNode o = list.addObject();
      o.put("name", c.name());
      ArrayNode flags = o.putArray("flags");
      if (!docker) {
        flags.add("--ulimit").add("nofile=1024:1024").add("--ulimit").add("nproc=1024:1024");
      }
      if (!c.flags().contains("--network")) {
        flags.add("--network").add("none");
      }
      c.flags().forEach(flags::add);
    }
    return setup;
  }

  private static void awaitSocket(Path socket, Process service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(socket)) {
      assertThat(service.isAlive()).as("podman system service is running").isTrue();
      assertThat(System.nanoTime()).as("podman's socket appears within 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static List<Mapping> readMap() throws IOException {
    List<Mapping> out = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    try (InputStream in = DockerBenchIT.class.getResourceAsStream("/dev/portcullis/host/docker-bench-map.tsv")) {
      assertThat(in).as("docker-bench-map.tsv").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.startsWith("docker_bench\t") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        assertThat(f).as("6 columns: " + line).hasSize(6);
        assertThat(seen.put(f[0], f[1])).as("one row for " + f[0]).isNull();
        if (f[1].startsWith("PCS-HOST-DOCKER")) {
          continue; // a daemon row: DockerBenchDaemonIT's
        }
        if (f[1].equals("-")) {
          assertThat(f[5]).as("the reason " + f[0] + " is not implemented").isNotBlank();
          continue;
        }
        assertThat(f[1]).matches("PCS-HOST-CTR-0[0-9]{2}");
        assertThat(ContainerTests.named(f[2])).as("test " + f[2]).isPresent();
        assertThat(List.of(f[3], f[4])).as("relations of " + f[0]).allMatch(r -> List.of("same", "covers", "within", "-")
            .contains(r));
        out.add(new Mapping(f[0], f[1], f[2], f[3], f[4]));
      }
    }
    assertThat(out).as("mapped checks").hasSizeGreaterThanOrEqualTo(15);
    return out;
  }
}
