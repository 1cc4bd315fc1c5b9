package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Exec;
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
 * Side by side with docker-bench-security on one Docker engine: the same daemon.json and containers, its verdicts
 * (recorded in {@code docker-bench-recorded.json}, or live from the checkout {@code PORTCULLIS_DOCKER_BENCH} names)
 * against our container tests, for every check {@code docker-bench-map.tsv} maps. With {@code PORTCULLIS_DOCKER_BENCH}
 * and {@code -Dportcullis.updateGolden=true} the recording is rewritten from the live run.
 */
class DockerBenchIT {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String RECORDING = "docker-bench-recorded.json";
  private static final Path RECORDING_SOURCE =
      Path.of("src/test/resources/dev/portcullis/host/containers").resolve(RECORDING);
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

  /** The containers of the setup: those of ContainersIT, and three only Docker shows apart. */
  static List<LiveContainers.Case> containers() {
    List<LiveContainers.Case> all = new ArrayList<>(LiveContainers.CASES);
    all.add(new LiveContainers.Case("host-userns", List.of("--userns", "host"), Set.of("host-userns")));
    all.add(new LiveContainers.Case("engine-socket", List.of("-v", SOCKET_PLACEHOLDER + ":/var/run/docker.sock"),
        Set.of("sensitive-mount")));
    all.add(new LiveContainers.Case("apparmor-unconfined", List.of("--security-opt", "apparmor=unconfined"),
        Set.of("apparmor")));
    return all;
  }

  record Mapping(String check, String id, String test, String relation) {}

  @TempDir Path dir;

  @Test
  void everyCheckBothImplementAgreesAsTheMapSays() throws Exception {
    JsonNode recording = readRecording();
    List<Mapping> mappings = readMap();
    assertThat(mappings).as("mapped checks").hasSizeGreaterThanOrEqualTo(15);

    try (Dockerd dockerd = Dockerd.start(Dockerd.Options.defaults().withDaemonJson(DAEMON_JSON).withBoundedRuntime())) {
      try {
        LiveContainers.importInto(dockerd, LiveContainers.rootfsTar(dir));
        for (LiveContainers.Case c : containers()) {
          List<String> flags = c.flags().stream().map(f -> f.replace(SOCKET_PLACEHOLDER, dockerd.socket().toString()))
              .toList();
          LiveContainers.start(dockerd, new LiveContainers.Case(c.name(), flags, c.fails()));
        }

        Map<String, Verdict> theirs;
        String bench = System.getenv("PORTCULLIS_DOCKER_BENCH");
        if (bench != null && !bench.isBlank()) {
          ObjectNode live = runDockerBench(Path.of(bench), dockerd);
          if (Boolean.getBoolean("portcullis.updateGolden")) {
            Files.writeString(RECORDING_SOURCE, JSON.writeValueAsString(live) + "\n");
          }
          theirs = verdicts(live);
        } else {
          assertThat(recording.path("setup")).as("the recording was made on this test's setup; rerun with"
              + " PORTCULLIS_DOCKER_BENCH and -Dportcullis.updateGolden=true").isEqualTo(setup());
          theirs = verdicts(recording);
        }

        List<ContainerFacts> running = new DockerContainers(dockerd.socket()).running(DEADLINE);
        assertThat(running).hasSize(containers().size());
        writeComparison(mappings, theirs, running);
        for (Mapping m : mappings) {
          Verdict v = theirs.get(m.check());
          assertThat(v).as("docker-bench-security's verdict on " + m.check()).isNotNull();
          assertThat(v.result()).as(m.check() + " is automated: it passes or warns").isIn("PASS", "WARN");
          Set<String> ours = failing(running, m.test());
          Set<String> its = v.failing();
          assertThat(its).as("some container fails " + m.check() + " (the setup covers it)").isNotEmpty();
          assertThat(ours).as("some container fails " + m.test()).isNotEmpty();
          switch (m.relation()) {
            case "same" -> assertThat(ours).as(m.check() + " vs " + m.id() + " " + m.test()).isEqualTo(its);
            case "covers" -> assertThat(ours).as(m.id() + " " + m.test() + " covers " + m.check()).containsAll(its);
            case "within" -> assertThat(its).as(m.check() + " covers " + m.id() + " " + m.test()).containsAll(ours);
            default -> throw new AssertionError("relation " + m.relation() + " of " + m.check() + " in the map");
          }
        }
      } finally {
        LiveContainers.removeAll(dockerd);
      }
    }
  }

  record Verdict(String result, Set<String> failing) {}

  /** Both verdicts side by side in {@code target/docker-bench-comparison.tsv}, for docs/host-docker-bench.md. */
  private static void writeComparison(List<Mapping> mappings, Map<String, Verdict> theirs, List<ContainerFacts> running)
      throws IOException {
    StringBuilder out = new StringBuilder("check\tresult\tits failing containers\tours\ttest\tour failing containers\n");
    for (Mapping m : mappings) {
      Verdict v = theirs.get(m.check());
      out.append(m.check()).append('\t').append(v == null ? "?" : v.result()).append('\t')
          .append(v == null ? "" : String.join(" ", v.failing())).append('\t').append(m.id()).append('\t')
          .append(m.test()).append('\t').append(String.join(" ", failing(running, m.test()))).append('\n');
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/docker-bench-comparison.tsv"), out);
  }

  /** Its verdict per check; the containers it lists for a check ("NAME" or "NAME:PATH") when it warns. */
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

  /** Runs the script against the engine, as root, and keeps only check IDs, results and the containers named. */
  private ObjectNode runDockerBench(Path checkout, Dockerd dockerd) throws IOException {
    Path script = checkout.resolve("docker-bench-security.sh");
    assertThat(script).as("PORTCULLIS_DOCKER_BENCH names a docker-bench-security checkout").isRegularFile();
    Path log = dir.resolve("docker-bench.log");
    List<String> command = new ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && exec sh docker-bench-security.sh \"$@\"",
        "sh", checkout.toString()));
    command.addAll(BENCH_ARGS);
    command.addAll(List.of("-l", log.toString()));
    Tools.Result r = Exec.run(Duration.ofMinutes(10),
        Map.of("DOCKER_HOST", dockerd.host(), "DOCKER_CONFIG", dir.resolve("client").toString()), command);
    assertThat(r.exitCode()).as("docker-bench-security exit code; " + r.stderr()).isZero();
    JsonNode out = JSON.readTree(Files.readString(Path.of(log + ".json"), StandardCharsets.UTF_8));
    ObjectNode recording = JSON.createObjectNode();
    recording.put("tool", "docker-bench-security");
    recording.put("version", out.path("dockerbenchsecurity").asText());
    recording.put("commit", commit(checkout));
    recording.put("engine", engineVersion(dockerd));
    recording.put("command", "sh docker-bench-security.sh " + String.join(" ", BENCH_ARGS) + " -l LOG");
    recording.set("setup", setup());
    ArrayNode checks = recording.putArray("checks");
    for (JsonNode section : out.path("tests")) {
      for (JsonNode check : section.path("results")) {
        ObjectNode c = checks.addObject();
        c.put("id", check.path("id").asText());
        c.put("result", check.path("result").asText());
        ArrayNode flagged = c.putArray("flagged");
        List<String> items = new ArrayList<>();
        check.path("items").forEach(i -> items.add(i.asText()));
        items.stream().sorted().forEach(flagged::add);
      }
    }
    return recording;
  }

  private static String commit(Path checkout) {
    try {
      Tools.Result r = Exec.run(Duration.ofSeconds(20), Map.of(), List.of("git", "-C", checkout.toString(), "rev-parse", "HEAD"));
      return r.exitCode() == 0 ? r.stdoutText().strip() : "unknown (not a git checkout)";
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String engineVersion(Dockerd dockerd) throws IOException {
    Tools.Result r = dockerd.docker("version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})");
    return "dockerd " + r.stdoutText().strip();
  }

  static ObjectNode setup() throws IOException {
    ObjectNode setup = JSON.createObjectNode();
    setup.set("daemonJson", JSON.readTree(DAEMON_JSON));
    setup.put("engine", "testkit Dockerd: dockerd --data-root --exec-root -H unix://SOCKET --iptables=false"
        + " --ip-masq=false --bridge=none --config-file daemon.json, default runtime runc-bounded (runc without the"
        + " capabilities outside the test's bounding set)");
    setup.put("image", LiveContainers.IMAGE + ": static busybox imported with docker import");
    ArrayNode list = setup.putArray("containers");
    for (LiveContainers.Case c : containers()) {
      ObjectNode o = list.addObject();
      o.put("name", c.name());
      ArrayNode flags = o.putArray("flags");
      if (!c.flags().contains("--network")) {
        flags.add("--network").add("none");
      }
      c.flags().forEach(flags::add);
    }
    return setup;
  }

  private static JsonNode readRecording() throws IOException {
    try (InputStream in = DockerBenchIT.class.getResourceAsStream(RECORDING)) {
      assertThat(in).as(RECORDING).isNotNull();
      return JSON.readTree(in);
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
        assertThat(f).as("5 columns: " + line).hasSize(5);
        assertThat(seen.put(f[0], f[1])).as("one row for " + f[0]).isNull();
        if (f[1].equals("-")) {
          assertThat(f[4]).as("the reason " + f[0] + " is not implemented").isNotBlank();
          continue;
        }
        assertThat(f[1]).matches("PCS-HOST-CTR-0[0-9]{2}");
        assertThat(ContainerTests.named(f[2])).as("test " + f[2]).isPresent();
        out.add(new Mapping(f[0], f[1], f[2], f[3]));
      }
    }
    return out;
  }
}
