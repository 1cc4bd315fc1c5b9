package dev.portcullis.host.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.root.Root;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs of the built-in checks on small roots: every check gets a status, a file that cannot be
 * used is an ERROR of the checks that need it (never a crash), what needs a live host is not
 * applicable offline, and a symlink out of ROOT is not followed.
 */
class HostCheckerTest {
  static final CheckCatalog CATALOG = CheckCatalog.builtIn(dev.portcullis.host.containers.ContainerTests::named);

  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectories(tmp.resolve("host"));
    put("/usr/bin/dockerd", "");
    put("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    put("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n");
  }

  private void put(String path, String text) throws IOException {
    Path p = dir.resolve(path.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private HostReport run() throws IOException {
    return new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.offline(dir));
  }

  private static Map<String, CheckResult> byId(HostReport r) {
    return r.results().stream().collect(Collectors.toMap(x -> x.check().id(), x -> x));
  }

  @Test
  void everyCheckGetsAStatusAndAbsentSoftwareIsNotApplicableWithTheReason() throws IOException {
    HostReport r = run();
    assertThat(r.results()).hasSize(CATALOG.all().size());
    Map<String, CheckResult> m = byId(r);
    assertThat(m.get("PCS-HOST-KUBELET-005").status()).isEqualTo(Status.NOT_APPLICABLE);
    assertThat(m.get("PCS-HOST-KUBELET-005").evidence()).isEqualTo("no kubelet: no /usr/bin/kubelet, no kubelet.service, no /var/lib/kubelet/config.yaml");
    assertThat(m.get("PCS-HOST-PODMAN-004").evidence()).isEqualTo("podman is not installed: no /usr/bin/podman");
    assertThat(m.get("PCS-HOST-LINUX-016").evidence()).isEqualTo("not applicable offline: needs the running processes (auditd)");
    assertThat(m.get("PCS-HOST-CTR-001").status()).isEqualTo(Status.NOT_APPLICABLE);
    assertThat(m.get("PCS-HOST-DOCKER-001").evidence()).isEqualTo("icc=true (dockerd default); expected equals false");
    Files.delete(dir.resolve("usr/bin/dockerd"));
    Files.delete(dir.resolve("lib/systemd/system/docker.service"));
    assertThat(byId(run()).get("PCS-HOST-DOCKER-001").evidence()).isEqualTo("docker is not installed: no /usr/bin/dockerd, no docker.service");
  }

  @Test
  void binaryJunkAsDaemonJsonIsAnErrorOfTheDockerSettingChecks() throws IOException {
    Files.createDirectories(dir.resolve("etc/docker"));
    Files.write(dir.resolve("etc/docker/daemon.json"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
    Map<String, CheckResult> m = byId(run());
    assertThat(m.get("PCS-HOST-DOCKER-001").status()).isEqualTo(Status.ERROR);
    assertThat(m.get("PCS-HOST-DOCKER-001").evidence()).isEqualTo("/etc/docker/daemon.json: binary content (a NUL byte at offset 4), not a text file");
    assertThat(m.get("PCS-HOST-DOCKERFILES-006").status()).isEqualTo(Status.PASS); // its permissions can still be checked
    put("/etc/docker/daemon.json", "{\"icc\": false,,}");
    assertThat(byId(run()).get("PCS-HOST-DOCKER-001").evidence()).startsWith("/etc/docker/daemon.json: not valid JSON at line 1");
  }

  @Test
  void aGigabyteDaemonJsonIsTooLargeAndAnError() throws IOException {
    Files.createDirectories(dir.resolve("etc/docker"));
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("etc/docker/daemon.json").toFile(), "rw")) {
      f.setLength(1L << 30);
    }
    CheckResult r = byId(run()).get("PCS-HOST-DOCKER-011");
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.evidence()).isEqualTo("/etc/docker/daemon.json: too large (1073741824 bytes; at most 1 MiB is read)");
  }

  @Test
  void aDirectoryOrFifoWhereAFileShouldBeIsAnError() throws Exception {
    Files.createDirectories(dir.resolve("etc/containers/registries.conf"));
    put("/usr/bin/podman", "");
    Process p = new ProcessBuilder("mkfifo", dir.resolve("etc/containers/policy.json").toString()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
    Map<String, CheckResult> m = byId(run());
    assertThat(m.get("PCS-HOST-PODMAN-002").status()).isEqualTo(Status.ERROR);
    assertThat(m.get("PCS-HOST-PODMAN-002").evidence()).isEqualTo("/etc/containers/registries.conf: is a directory, not a file");
    assertThat(m.get("PCS-HOST-PODMAN-001").evidence()).isEqualTo("/etc/containers/policy.json: not a regular file (a FIFO, socket or device is not read)");
  }

  @Test
  void aSymlinkLoopIsAnError() throws IOException {
    Files.createDirectories(dir.resolve("etc/docker"));
    Files.createSymbolicLink(dir.resolve("etc/docker/daemon.json"), Path.of("/etc/docker/daemon.json"));
    CheckResult r = byId(run()).get("PCS-HOST-DOCKER-001");
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.evidence()).isEqualTo("/etc/docker/daemon.json: symlink loop (more than 40 links followed)");
  }

  /** The file outside ROOT would make the check pass; offline it is never read, so the check fails on dockerd's default. */
  @Test
  void aSymlinkOutOfTheRootIsNotFollowed() throws IOException {
    Path outside = Files.writeString(tmp.resolve("daemon.json"), "{\"icc\": false}");
    Files.createDirectories(dir.resolve("etc/docker"));
    Files.createSymbolicLink(dir.resolve("etc/docker/daemon.json"), outside.toAbsolutePath());
    CheckResult abs = byId(run()).get("PCS-HOST-DOCKER-001");
    assertThat(abs.status()).isEqualTo(Status.FAIL);
    assertThat(abs.evidence()).isEqualTo("icc=true (dockerd default); expected equals false");
    Files.delete(dir.resolve("etc/docker/daemon.json"));
    Files.createSymbolicLink(dir.resolve("etc/docker/daemon.json"), Path.of("../../../daemon.json"));
    assertThat(byId(run()).get("PCS-HOST-DOCKER-001").status()).isEqualTo(Status.FAIL);
    // the same link followed live (no root to stay in) would have passed: the content is what decides
    Files.copy(outside, dir.resolve("daemon.json"));
    assertThat(byId(run()).get("PCS-HOST-DOCKER-001").status()).isEqualTo(Status.PASS); // ../../../ clamped to ROOT/daemon.json
  }

  @Test
  void aSettingGivenTwiceIsAnErrorOfItsCheckAndAFailureOfTheConflictCheck() throws IOException {
    put("/etc/systemd/system/docker.service.d/x.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --icc=false\n");
    put("/etc/docker/daemon.json", "{\"icc\": false}");
    Map<String, CheckResult> m = byId(run());
    assertThat(m.get("PCS-HOST-DOCKER-001").status()).isEqualTo(Status.ERROR);
    assertThat(m.get("PCS-HOST-DOCKER-001").evidence()).startsWith("contradictory: icc is set both as flag --icc=false");
    assertThat(m.get("PCS-HOST-DOCKER-015").status()).isEqualTo(Status.FAIL);
    assertThat(m.get("PCS-HOST-DOCKER-015").evidence()).contains("/etc/systemd/system/docker.service.d/x.conf", "/etc/docker/daemon.json");
  }

  @Test
  void aSecretLookingSettingIsRedacted() throws IOException {
    put("/usr/bin/kubelet", "");
    put("/var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\nreadOnlyPort: 0\n");
    put("/lib/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml "
        + "--hostname-override=n1 --bootstrap-token=abcdef.0123456789abcdef\n");
    HostReport r = new HostChecker(CATALOG, HostChecker.Options.all().withProfiles(Set.of(Profile.KUBELET))).check(Root.offline(dir));
    assertThat(r.results()).allSatisfy(x -> assertThat(x.evidence()).doesNotContain("0123456789abcdef"));
    assertThat(Redaction.value("bootstrap-token", "abcdef.0123456789abcdef")).isEqualTo("<redacted>");
    assertThat(Redaction.value("tls-private-key-file", "/var/lib/kubelet/pki/kubelet.key")).isEqualTo("/var/lib/kubelet/pki/kubelet.key");
    assertThat(Redaction.commandLine("kubelet --bootstrap-token=abcdef.0123 --v=2")).isEqualTo("kubelet --bootstrap-token=<redacted> --v=2");
    CheckResult override = r.results().stream().filter(x -> x.check().id().equals("PCS-HOST-KUBELET-012")).findFirst().orElseThrow();
    assertThat(override.evidence()).isEqualTo("hostname-override=n1 (flag --hostname-override in ExecStart of /lib/systemd/system/kubelet.service); "
        + "expected absent");
  }

  @Test
  void anAliasBombOrDeepNestingFinishes() throws IOException {
    StringBuilder bomb = new StringBuilder("kind: KubeletConfiguration\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char prev = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev).append(", *").append(prev).append(", *")
          .append(prev).append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append("]\n");
    }
    put("/usr/bin/kubelet", "");
    put("/var/lib/kubelet/config.yaml", bomb.toString());
    put("/etc/docker/daemon.json", "[".repeat(5000) + "]".repeat(5000));
    Map<String, CheckResult> m = byId(run());
    // the parser keeps aliases unexpanded: the file is read in bounded memory, and what it does not set is the default
    assertThat(m.get("PCS-HOST-KUBELET-005").evidence()).isEqualTo("anonymous-auth=false (kubelet default with a config file)");
    assertThat(m.get("PCS-HOST-DOCKER-001").status()).isEqualTo(Status.ERROR);
    assertThat(m.get("PCS-HOST-DOCKER-001").evidence()).startsWith("/etc/docker/daemon.json: not valid JSON");
  }

  @Test
  void theSameRootGivesTheSameReport() throws IOException {
    assertThat(run()).isEqualTo(run());
  }
}
