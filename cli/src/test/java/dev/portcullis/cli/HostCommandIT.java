package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis host} end to end on a host root written by the test (a Docker host whose daemon
 * listens on plain TCP through a drop-in, and a kubeadm-style kubelet whose config file refuses
 * anonymous requests), in every format, with --fail-on, --skip-check and an allowlist; a bad ROOT;
 * and live on this machine.
 */
class HostCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path root;

  private void put(String path, String text) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @BeforeEach
  void host() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    put("etc/group", "root:x:0:\ndocker:x:998:\n");
    put("usr/bin/dockerd", "");
    put("lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n");
    put("etc/systemd/system/docker.service.d/tcp.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n");
    put("etc/docker/daemon.json", "{\"icc\": false, \"live-restore\": true}\n");
    put("usr/bin/kubelet", "");
    put("lib/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet\n");
    put("etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n"
        + "ExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS\n");
    put("var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n");
    Files.setPosixFilePermissions(root.resolve("var/lib/kubelet/config.yaml"), PosixFilePermissions.fromString("rw-------"));
  }

  private static JsonNode result(JsonNode report, String id) {
    for (JsonNode r : report.path("results")) {
      if (r.path("id").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no result " + id);
  }

  @Test
  void jsonShowsEachSettingWithWhereItCameFrom() throws IOException {
    CliRun run = CliRun.of("host", root.toString(), "--format", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.path("schema").asText()).isEqualTo("portcullis.dev/host-report/v1");
    assertThat(report.path("mode").asText()).isEqualTo("offline");
    JsonNode tcp = result(report, "PCS-HOST-DOCKER-006");
    assertThat(tcp.path("status").asText()).isEqualTo("fail");
    assertThat(tcp.path("evidence").asText()).contains("tcp://0.0.0.0:2375", "/etc/systemd/system/docker.service.d/tcp.conf");
    JsonNode anon = result(report, "PCS-HOST-KUBELET-005");
    assertThat(anon.path("status").asText()).isEqualTo("pass");
    assertThat(anon.path("evidence").asText()).isEqualTo("anonymous-auth=false (authentication.anonymous.enabled in /var/lib/kubelet/config.yaml)");
    assertThat(result(report, "PCS-HOST-PODMAN-004").path("status").asText()).isEqualTo("not-applicable");
    assertThat(result(report, "PCS-HOST-LINUX-016").path("evidence").asText()).startsWith("not applicable offline");
    assertThat(report.path("score").path("grade").asText()).isEqualTo("F"); // the critical TCP socket caps it
    assertThat(CliRun.of("host", root.toString(), "--format", "json").out()).isEqualTo(run.out());
  }

  @Test
  void failOnSkipCheckAndAllowlistDecideTheExitCode() throws IOException {
    assertThat(CliRun.of("host", root.toString(), "--fail-on", "critical").exit()).isEqualTo(1);
    assertThat(CliRun.of("host", root.toString(), "--fail-on", "critical", "--exit-code", "7").exit()).isEqualTo(7);
    assertThat(CliRun.of("host", root.toString(), "--profile", "kubelet", "--fail-on", "critical").exit()).isZero();
    assertThat(CliRun.of("host", root.toString(), "--profile", "docker", "--fail-on", "critical", "--skip-check", "PCS-HOST-DOCKER-006").exit()).isZero();
    Path allow = Files.writeString(tmp.resolve("allow.yaml"), "allow:\n  - rule: PCS-HOST-DOCKER-006\n    reason: build VM on an isolated network\n");
    CliRun allowed = CliRun.of("host", root.toString(), "--profile", "docker", "--fail-on", "critical", "--allowlist", allow.toString());
    assertThat(allowed.exit()).as(allowed.err()).isZero();
    assertThat(allowed.out()).containsPattern("PCS-HOST-DOCKER-006 +ALLOWED").contains("allowed: build VM on an isolated network");
    Path expired = Files.writeString(tmp.resolve("expired.yaml"),
        "allow:\n  - rule: PCS-HOST-DOCKER-006\n    reason: build VM on an isolated network\n    expires: 2020-01-31\n");
    CliRun late = CliRun.of("host", root.toString(), "--profile", "docker", "--fail-on", "critical", "--allowlist", expired.toString());
    assertThat(late.exit()).as(late.err()).isNotZero();
    assertThat(late.out()).doesNotContainPattern("PCS-HOST-DOCKER-006 +ALLOWED");
    assertThat(late.err()).contains("the allowlist entry for PCS-HOST-DOCKER-006 expired on 2020-01-31; the failure counts again");
    CliRun unknown = CliRun.of("host", root.toString(), "--skip-check", "PCS-HOST-NOPE-001");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err().strip()).startsWith("portcullis: --skip-check PCS-HOST-NOPE-001: no such host check").doesNotContain("\n");
  }

  @Test
  void sarifAndJunitGoToTheOutputFile() throws Exception {
    Path sarif = tmp.resolve("host.sarif");
    assertThat(CliRun.of("host", root.toString(), "--format", "sarif", "--output", sarif.toString()).exit()).isZero();
    JsonNode s = JSON.readTree(sarif.toFile());
    assertThat(s.path("version").asText()).isEqualTo("2.1.0");
    List<String> failed = new ArrayList<>();
    s.path("runs").get(0).path("results").forEach(r -> failed.add(r.path("ruleId").asText()));
    assertThat(failed).contains("PCS-HOST-DOCKER-006").doesNotContain("PCS-HOST-KUBELET-005");
    Path junit = tmp.resolve("host.xml");
    assertThat(CliRun.of("host", root.toString(), "--format", "junit", "-o", junit.toString()).exit()).isZero();
    String xml = Files.readString(junit);
    assertThat(xml).startsWith("<?xml").contains("<testsuite name=\"host docker\"", "<failure type=\"critical\"");
  }

  @Test
  void aBadRootIsOneLineAndAFailure() throws IOException {
    CliRun missing = CliRun.of("host", tmp.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("portcullis: host " + tmp.resolve("nope") + ": no such directory");
    Path file = Files.writeString(tmp.resolve("file"), "x");
    CliRun notDir = CliRun.of("host", file.toString());
    assertThat(notDir.exit()).isEqualTo(1);
    assertThat(notDir.err().strip()).isEqualTo("portcullis: host " + file + ": not a directory");
    assertThat(CliRun.of("host", root.toString(), "--profile", "windows").err()).contains("--profile windows: not a profile");
  }

  @Test
  void aServerThatCannotBeReachedIsOneLineAfterTheReport() throws IOException {
    Path token = Files.writeString(tmp.resolve("token"), "pcs_" + "A".repeat(43) + "\n");
    CliRun noServer = CliRun.of("host", root.toString(), "--profile", "docker", "--server", "http://127.0.0.1:1", "--token-file", token.toString(),
        "--host-name", "node-1");
    assertThat(noServer.exit()).isEqualTo(1);
    assertThat(noServer.out()).contains("PCS-HOST-DOCKER-006");
    assertThat(noServer.err().strip().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("portcullis: send the host report of node-1 to http://127.0.0.1:1: POST http://127.0.0.1:1/v1/hosts/node-1/reports: "));
    CliRun noToken = CliRun.of("host", root.toString(), "--server", "http://127.0.0.1:1");
    assertThat(noToken.exit()).isEqualTo(1);
    assertThat(noToken.err().strip()).isEqualTo("portcullis: --server http://127.0.0.1:1 needs --token-file (an API token of role agent or operator)");
    assertThat(noToken.out()).isEmpty();
    CliRun badName = CliRun.of("host", root.toString(), "--server", "http://127.0.0.1:1", "--token-file", token.toString(), "--host-name", "a b");
    assertThat(badName.err()).contains("host name 'a b': letters, digits, dots, hyphens and underscores");
  }

  @Test
  void liveOnThisMachineFinishesWithAStatusForEveryCheck() throws IOException {
    CliRun run = CliRun.of("host", "/", "--format", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.path("mode").asText()).isEqualTo("live");
    assertThat(report.path("results").size()).isGreaterThan(60);
    report.path("results").forEach(r -> assertThat(r.path("status").asText()).isIn("pass", "fail", "not-applicable", "manual", "error"));
    assertThat(result(report, "PCS-HOST-LINUX-008").path("evidence").asText()).contains("/proc/sys/kernel/randomize_va_space");
  }
}
