package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.Profile;
import dev.portcullis.host.check.CheckCatalog;
import dev.portcullis.host.check.HostChecker;
import dev.portcullis.host.root.Root;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Exec;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Side by side with docker-bench-security on the daemon: its sections 2 (daemon configuration) and 3 (daemon files)
 * against our PCS-HOST-DOCKER-* and PCS-HOST-DOCKERFILES-* checks, for every daemon row of {@code
 * docker-bench-map.tsv}, as the row says. One verdict per host on each side: it passes (PASS), fails (WARN) or does not
 * judge (INFO, NOTE); we pass (PASS), fail (FAIL) or do not judge (NOT_APPLICABLE, MANUAL). "same" rows must fall in
 * the same class, "differs" rows in different ones.
 *
 * <p>The engine is a real dockerd (testkit Dockerd) with {@link #DAEMON_JSON}, chosen so that some checks pass and
 * some fail on both sides. docker-bench-security finds dockerd's command line with {@code pgrep -f -n dockerd} (the
 * newest process whose command line holds the word) and reads the file its {@code --config-file} names; live, the test
 * asserts that this search finds the test's engine. Our side reads the same command line and the same daemon.json from
 * a root that holds only them ({@link Root#simulatedLive}), so that another dockerd on the machine cannot be read in
 * its place. Both read section 3's files (docker.service, /etc/docker, /etc/default/docker...) from this machine; the
 * facts of those files are part of the recorded setup, so a recording made on another machine is refused. Its verdicts
 * come from the recording {@code docker-bench-recorded-daemon.json}, or live from the checkout {@code
 * PORTCULLIS_DOCKER_BENCH} names (recorded again with {@code -Dportcullis.updateGolden=true}).
 */
class DockerBenchDaemonIT {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path RESOURCES = Path.of("src/test/resources/dev/portcullis/host/containers");
  private static final String RECORDING = "docker-bench-recorded-daemon%s.json";
  private static final List<String> BENCH_ARGS = List.of("-b", "-c", "docker_daemon_configuration,docker_daemon_files");
  private static final CheckCatalog CATALOG = CheckCatalog.builtInWithoutContainers();

  /** Passes 2.6, 2.14, 2.15, 2.16, 2.17; fails 2.3 (log level) and 2.5 (an insecure registry), among others. */
  static final String DAEMON_JSON = """
      {
        "log-level": "warn",
        "live-restore": true,
        "userland-proxy": false,
        "no-new-privileges": true,
        "insecure-registries": ["registry.invalid:5000"]
      }
      """;

  /** The files of this machine that its section 3 reads (and ours): their type, mode and owner are part of the setup. */
  static final List<String> MACHINE_FILES = List.of("/lib/systemd/system/docker.service", "/etc/systemd/system/docker.service",
      "/lib/systemd/system/docker.socket", "/etc/systemd/system/docker.socket", "/etc/docker", "/etc/docker/certs.d",
      "/var/run/docker.sock", "/etc/docker/daemon.json", "/etc/default/docker", "/etc/sysconfig/docker",
      "/run/containerd/containerd.sock");

  /**
   * The checks it answers from the config file (and from dockerd's defaults when it finds none): on an engine started
   * with {@code --config-file PATH} (two arguments) it finds none, as its lookup only understands {@code
   * --config-file=PATH}.
   */
  static final Set<String> FROM_CONFIG_FILE = Set.of("2.3", "2.5", "2.14", "2.16");

  /** One daemon row of the map. */
  record Row(String check, String id, String relation, String note) {}

  /** Both sides' verdicts on one engine. */
  record Verdicts(Map<String, String> theirs, Map<String, CheckResult> ours) {}

  @TempDir Path dir;

  /** The map's relations hold on an engine given its config file as {@code --config-file=PATH}. */
  @Test
  void everyDaemonCheckBothImplementAgreesAsTheMapSays() throws Exception {
    Verdicts v = onEngine(true);
    compare(readRows(), v.theirs(), v.ours());
  }

  /**
   * With {@code --config-file PATH} (two arguments, as dockerd also reads it, and as testkit starts every engine) it
   * reads no config file: its verdicts change on exactly {@link #FROM_CONFIG_FILE}, to what dockerd's defaults would
   * earn, while ours stay the same.
   */
  @Test
  void itMissesTheConfigFileGivenAsTwoArgumentsAndWeDoNot() throws Exception {
    Verdicts joined = onEngine(true);
    Verdicts split = onEngine(false);
    Set<String> changed = new TreeSet<>();
    for (Map.Entry<String, String> e : joined.theirs().entrySet()) {
      if (!e.getValue().equals(split.theirs().get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    assertThat(changed).as("its checks whose verdict depends on the form of --config-file").isEqualTo(FROM_CONFIG_FILE);
    for (String id : joined.ours().keySet()) {
      assertThat(split.ours().get(id).status()).as("our " + id + " on both forms").isEqualTo(joined.ours().get(id).status());
    }
    for (String check : FROM_CONFIG_FILE) {
      assertThat(split.theirs().get(check)).as("its " + check + " without the config file").isEqualTo(
          switch (check) {
            case "2.3", "2.5" -> "PASS"; // log level and insecure registries: the defaults pass
            default -> "WARN"; // no-new-privileges and userland-proxy: the defaults fail
          });
    }
  }

  private Verdicts onEngine(boolean joined) throws Exception {
    ObjectNode setup = setup(joined);
    Dockerd.Options options = Dockerd.Options.defaults().withDaemonJson(DAEMON_JSON);
    try (Dockerd dockerd = Dockerd.start(joined ? options.withConfigFileJoined() : options)) {
      byte[] cmdline = cmdlineOf(dockerd);
      Map<String, String> theirs = theirVerdicts(dockerd, setup, String.format(RECORDING, joined ? "" : "-split"));
      return new Verdicts(theirs, ourResults(dockerd, cmdline));
    }
  }

  private static void compare(List<Row> rows, Map<String, String> theirs, Map<String, CheckResult> ours)
      throws IOException {
    StringBuilder table = new StringBuilder("check\tits result\tours\tour status\trelation\tour evidence\n");
    for (Row r : rows) {
      String its = theirs.getOrDefault(r.check(), "?");
      CheckResult our = ours.get(r.id());
      table.append(r.check()).append('\t').append(its).append('\t').append(r.id()).append('\t')
          .append(our == null ? "?" : our.status()).append('\t').append(r.relation()).append('\t')
          .append(our == null ? "" : our.evidence()).append('\n');
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/docker-bench-comparison-daemon.tsv"), table);
    int pass = 0;
    int fail = 0;
    for (Row r : rows) {
      String its = theirs.get(r.check());
      assertThat(its).as("docker-bench-security's verdict on " + r.check()).isNotNull();
      CheckResult our = ours.get(r.id());
      assertThat(our).as("our result of " + r.id()).isNotNull();
      String itsClass = switch (its) {
        case "PASS" -> "pass";
        case "WARN" -> "fail";
        case "INFO", "NOTE" -> "none";
        default -> throw new AssertionError(r.check() + ": its result " + its);
      };
      String ourClass = switch (our.status()) {
        case PASS -> "pass";
        case FAIL -> "fail";
        case NOT_APPLICABLE, MANUAL -> "none";
        case ERROR -> throw new AssertionError(r.id() + " errored: " + our.evidence());
      };
      String what = r.check() + " (its " + its + ") vs " + r.id() + " (ours " + our.status() + ": " + our.evidence() + ")";
      if (r.relation().equals("same")) {
        assertThat(ourClass).as(what + " agree; the map: " + r.note()).isEqualTo(itsClass);
        pass += ourClass.equals("pass") ? 1 : 0;
        fail += ourClass.equals("fail") ? 1 : 0;
      } else {
        assertThat(ourClass).as(what + " differ; the map: " + r.note()).isNotEqualTo(itsClass);
      }
    }
    assertThat(pass).as("daemon checks both pass (the setup exercises passing)").isGreaterThanOrEqualTo(5);
    assertThat(fail).as("daemon checks both fail (the setup exercises failing)").isGreaterThanOrEqualTo(5);
  }

  /**
   * Ours: the daemon's settings from a root holding only its command line and its daemon.json (at the path {@code
   * --config-file} names), and section 3's files from this machine itself, except the config file's (that root's).
   */
  private Map<String, CheckResult> ourResults(Dockerd dockerd, byte[] cmdline) throws IOException {
    Path sim = Files.createTempDirectory(dir, "engine-root-");
    Files.createDirectories(sim.resolve("proc/1"));
    Files.write(sim.resolve("proc/1/cmdline"), cmdline);
    Path json = dockerd.daemonJson();
    Path copy = sim.resolve(json.toString().substring(1));
    Files.createDirectories(copy.getParent());
    Files.copy(json, copy);
    Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(json));
    Files.createDirectories(sim.resolve("usr/bin"));
    Files.writeString(sim.resolve("usr/bin/dockerd"), "");
    Files.createDirectories(sim.resolve("etc"));
    for (String f : List.of("etc/passwd", "etc/group")) {
      Files.copy(Path.of("/").resolve(f), sim.resolve(f));
    }
    HostChecker.Options options = HostChecker.Options.all().withProfiles(Set.of(Profile.DOCKER));
    Map<String, CheckResult> out = new TreeMap<>();
    for (CheckResult r : new HostChecker(CATALOG, options).check(Root.live()).results()) {
      out.put(r.check().id(), r);
    }
    for (CheckResult r : new HostChecker(CATALOG, options).check(Root.simulatedLive(sim)).results()) {
      if (r.check().id().startsWith("PCS-HOST-DOCKER-") || r.check().id().equals("PCS-HOST-DOCKERFILES-006")) {
        out.put(r.check().id(), r);
      }
    }
    return out;
  }

  /** The engine's command line, as /proc has it; its pid from the engine's --pidfile. */
  private static byte[] cmdlineOf(Dockerd dockerd) throws IOException {
    String pid = Files.readString(dockerd.daemonJson().resolveSibling("docker.pid")).strip();
    byte[] cmdline = Files.readAllBytes(Path.of("/proc", pid, "cmdline"));
    assertThat(new String(cmdline, StandardCharsets.UTF_8)).as("the engine's command line").startsWith("dockerd\0")
        .contains(dockerd.daemonJson().toString());
    return cmdline;
  }

  /** Its verdicts: live from PORTCULLIS_DOCKER_BENCH (and recorded again when asked), else the recording. */
  private Map<String, String> theirVerdicts(Dockerd dockerd, ObjectNode setup, String recordingName)
      throws IOException {
    String bench = System.getenv("PORTCULLIS_DOCKER_BENCH");
    JsonNode recording;
    if (bench != null && !bench.isBlank()) {
      recording = runDockerBench(Path.of(bench), dockerd, setup);
      if (Boolean.getBoolean("portcullis.updateGolden")) {
        Files.writeString(RESOURCES.resolve(recordingName), JSON.writeValueAsString(recording) + "\n");
      }
    } else {
      try (InputStream in = DockerBenchDaemonIT.class.getResourceAsStream(recordingName)) {
        assertThat(in).as(recordingName).isNotNull();
        recording = JSON.readTree(in);
      }
      assertThat(recording.path("setup")).as(recordingName + " was made on this test's setup and this machine's files; rerun"
          + " with PORTCULLIS_DOCKER_BENCH and -Dportcullis.updateGolden=true").isEqualTo(setup);
    }
    Map<String, String> out = new TreeMap<>();
    for (JsonNode check : recording.path("checks")) {
      out.put(check.path("id").asText(), check.path("result").asText());
    }
    return out;
  }

  /**
   * Runs the script against the engine, as root, and keeps only check IDs and results. With bash, its shebang's
   * shell: section 2 uses bash's {@code [[}, which dash (this machine's sh) lacks, so under {@code sh} six of its
   * checks never read the config file.
   */
  private ObjectNode runDockerBench(Path checkout, Dockerd dockerd, ObjectNode setup) throws IOException {
    assertThat(checkout.resolve("docker-bench-security.sh")).as("PORTCULLIS_DOCKER_BENCH names a checkout")
        .isRegularFile();
    String pid = Files.readString(dockerd.daemonJson().resolveSibling("docker.pid")).strip();
    assertThat(newestDockerd()).as("the process docker-bench-security takes for dockerd (pgrep -f -n dockerd) is the"
        + " test's engine; another dockerd started later would be read in its place").isEqualTo(pid);
    Path log = Files.createTempDirectory(dir, "docker-bench-").resolve("log");
    List<String> command = new ArrayList<>(List.of("sh", "-c",
        "cd \"$1\" && shift && exec bash docker-bench-security.sh \"$@\"", "sh", checkout.toString()));
    command.addAll(BENCH_ARGS);
    command.addAll(List.of("-l", log.toString()));
    Tools.Result r = Exec.run(Duration.ofMinutes(10),
        Map.of("DOCKER_HOST", dockerd.host(), "DOCKER_CONFIG", dir.resolve("client").toString()), command);
    assertThat(r.exitCode()).as("docker-bench-security exit code; " + r.stderr()).isZero();
    assertThat(newestDockerd()).as("still the test's engine after the run").isEqualTo(pid);
    JsonNode out = JSON.readTree(Files.readString(Path.of(log + ".json"), StandardCharsets.UTF_8));
    return DockerBenchRecording.of(out, checkout, "dockerd " + dockerd.docker("version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})")
        .stdoutText().strip(), "bash docker-bench-security.sh " + String.join(" ", BENCH_ARGS) + " -l LOG", setup);
  }

  private static String newestDockerd() throws IOException {
    Tools.Result r = Exec.run(Duration.ofSeconds(20), Map.of(), List.of("pgrep", "-f", "-n", "dockerd"));
    return r.stdoutText().strip();
  }

  private static ObjectNode setup(boolean joined) throws IOException {
    ObjectNode setup = JSON.createObjectNode();
    setup.put("engine", "testkit Dockerd: dockerd --data-root --exec-root -H unix://SOCKET --pidfile "
        + (joined ? "--config-file=daemon.json" : "--config-file daemon.json")
        + " --iptables=false --ip-masq=false --bridge=none, no containers");
    setup.set("daemonJson", JSON.readTree(DAEMON_JSON));
    ObjectNode files = setup.putObject("machineFiles");
    for (String f : MACHINE_FILES) {
      files.put(f, describe(Path.of(f)));
    }
    return setup;
  }

  /** "absent", or the type, mode and owner of a file, as section 3 judges them. */
  private static String describe(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return "absent";
    }
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
    String type = a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : a.isOther() ? "socket or device" : "other";
    return type + " " + PosixFilePermissions.toString(a.permissions()) + " " + a.owner().getName() + ":"
        + a.group().getName();
  }

  static List<Row> readRows() throws IOException {
    List<Row> out = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    CATALOG.all().forEach(c -> ids.add(c.id()));
    try (InputStream in = DockerBenchDaemonIT.class.getResourceAsStream("/dev/portcullis/host/docker-bench-map.tsv")) {
      assertThat(in).as("docker-bench-map.tsv").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.split("\t", -1);
        if (line.startsWith("#") || line.isBlank() || !f[0].matches("[23]\\.[0-9]+")) {
          continue;
        }
        assertThat(f).as("6 columns: " + line).hasSize(6);
        assertThat(f[5]).as("the note of " + f[0]).isNotBlank();
        if (f[1].equals("-")) {
          continue;
        }
        assertThat(f[1]).as(f[0]).matches("PCS-HOST-DOCKER(FILES)?-0[0-9]{2}");
        assertThat(ids).as("our check " + f[1]).contains(f[1]);
        assertThat(f[3]).as("relation of " + f[0]).isIn("same", "differs");
        out.add(new Row(f[0], f[1], f[3], f[5]));
      }
    }
    assertThat(out).as("mapped daemon checks").hasSizeGreaterThanOrEqualTo(30);
    return out;
  }
}
