package dev.portcullis.host.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Status;
import dev.portcullis.host.root.Root;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in checks offline on a real Debian bookworm root with Debian's {@code docker.io} and
 * {@code podman} installed by apt (their units, {@code /etc/containers} files and binaries as the
 * packages ship them), plus kubeadm-style kubelet files written by the test, in a hardened and an
 * unhardened variant: every check gets a status, the packages' own files are judged, the precedence
 * cases come out as the daemons would resolve them, and hardening raises the score.
 */
class DebianHostIT {
  private static Path work;
  private static Path hardened;
  private static Path unhardened;
  private static final CheckCatalog CATALOG = CheckCatalog.builtIn(dev.portcullis.host.containers.ContainerTests::named);

  @BeforeAll
  static void roots() throws IOException {
    DebootstrapWithPackages.Image image = DebootstrapWithPackages.of(List.of("docker.io", "podman"));
    work = Files.createTempDirectory("host-debian-");
    hardened = copy(image.rootfs(), work.resolve("hardened"));
    unhardened = copy(image.rootfs(), work.resolve("unhardened"));
    kubelet(hardened);
    kubelet(unhardened);
    // hardened: daemon.json and drop-ins as a careful operator writes them
    put(hardened, "etc/docker/daemon.json", "{\n  \"icc\": false,\n  \"live-restore\": true,\n  \"userland-proxy\": false,\n  \"no-new-privileges\": true,\n"
        + "  \"userns-remap\": \"default\",\n  \"log-driver\": \"journald\",\n  \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", \"Hard\": 64000, "
        + "\"Soft\": 64000}}\n}\n");
    put(hardened, "etc/containers/policy.json", "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\": {\"docker.io/library\": "
        + "[{\"type\": \"insecureAcceptAnything\"}]}}}\n");
    put(hardened, "etc/containers/containers.conf.d/50-hardening.conf", "[containers]\npids_limit = 1024\n");
    put(hardened, "var/lib/kubelet/config.yaml", kubeletConfig(true) + "readOnlyPort: 0\nprotectKernelDefaults: true\nrotateCertificates: true\n"
        + "serverTLSBootstrap: true\npodPidsLimit: 4096\ntlsCipherSuites:\n- TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n");
    Files.setPosixFilePermissions(hardened.resolve("var/lib/kubelet/config.yaml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    // the config file allows anonymous requests; the flag (as kubeadm's KUBELET_EXTRA_ARGS) overrides it
    put(hardened, "etc/default/kubelet", "KUBELET_EXTRA_ARGS=\"--anonymous-auth=false\"\n");
    put(hardened, "etc/sysctl.d/90-hardening.conf", "fs.protected_hardlinks = 1\nfs.protected_symlinks = 1\nkernel.yama.ptrace_scope = 1\n");
    put(hardened, "etc/fstab", "UUID=1 / ext4 errors=remount-ro 0 1\n/dev/vg/docker /var/lib/docker xfs defaults,nodev 0 2\n"
        + "/dev/vg/containers /var/lib/containers xfs defaults,nodev 0 2\ntmpfs /tmp tmpfs nodev,nosuid,noexec 0 0\n");
    put(hardened, "etc/audit/rules.d/docker.rules", "-w /usr/bin/dockerd -k docker\n-w /var/lib/docker -k docker\n-w /etc/docker -k docker\n");
    // unhardened: TCP without TLS, an insecure registry, a flag that contradicts daemon.json, anonymous kubelet
    put(unhardened, "etc/docker/daemon.json", "{\n  \"insecure-registries\": [\"10.0.0.5:5000\"],\n  \"icc\": true\n}\n");
    put(unhardened, "etc/systemd/system/docker.service.d/override.conf", "[Service]\nExecStart=\n"
        + "ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375 --containerd=/run/containerd/containerd.sock --icc=false\n");
    put(unhardened, "var/lib/kubelet/config.yaml", kubeletConfig(false));
    put(unhardened, "etc/default/kubelet", "KUBELET_EXTRA_ARGS=\"--anonymous-auth=true --read-only-port=10255\"\n");
    put(unhardened, "etc/containers/registries.conf.d/99-local.conf", "");
    put(unhardened, "etc/containers/containers.conf", "[containers]\nseccomp_profile = \"unconfined\"\npidns = \"host\"\n");
    put(unhardened, "etc/sysctl.d/99-debug.conf", "kernel.randomize_va_space = 0\nfs.suid_dumpable = 2\n");
    Files.setPosixFilePermissions(unhardened.resolve("etc/docker/daemon.json"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (work != null) {
      Dirs.deleteTree(work);
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    Tools.run(Duration.ofMinutes(5), "cp", "-a", "--reflink=auto", from.toString(), to.toString());
    return to;
  }

  private static void put(Path root, String path, String text) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static void kubelet(Path root) throws IOException {
    put(root, "usr/bin/kubelet", "");
    put(root, "lib/systemd/system/kubelet.service", "[Unit]\nDescription=kubelet\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n");
    put(root, "etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n"
        + "Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\n"
        + "Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n"
        + "EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\n"
        + "ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n");
    put(root, "var/lib/kubelet/kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock\"\n");
    put(root, "etc/kubernetes/kubelet.conf", "apiVersion: v1\nkind: Config\n");
    put(root, "etc/kubernetes/pki/ca.crt", "-----BEGIN CERTIFICATE-----\n");
    Files.setPosixFilePermissions(root.resolve("etc/kubernetes/kubelet.conf"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private static String kubeletConfig(boolean anonymous) {
    return "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: " + anonymous + "\n"
        + "  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\ncgroupDriver: systemd\n";
  }

  private static Map<String, CheckResult> run(Path root) throws IOException {
    HostReport report = new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.offline(root));
    assertThat(report.results()).hasSize(CATALOG.all().size());
    assertThat(report.results()).allSatisfy(r -> assertThat(r.evidence()).isNotBlank());
    return report.results().stream().collect(Collectors.toMap(r -> r.check().id(), r -> r));
  }

  private static void assertStatus(Map<String, CheckResult> m, String id, Status status) {
    assertThat(m.get(id).status()).as(id + ": " + m.get(id).evidence()).isEqualTo(status);
  }

  @Test
  void debiansOwnFilesAreFoundAndJudged() throws IOException {
    Map<String, CheckResult> m = run(hardened);
    assertStatus(m, "PCS-HOST-DOCKERFILES-001", Status.PASS);
    assertThat(m.get("PCS-HOST-DOCKERFILES-001").evidence()).startsWith("/lib/systemd/system/docker.service: mode 0644, owner root(0)");
    assertStatus(m, "PCS-HOST-DOCKERFILES-002", Status.PASS);
    assertStatus(m, "PCS-HOST-PODMAN-010", Status.PASS);
    assertStatus(m, "PCS-HOST-PODMAN-011", Status.PASS);
    // Debian's golang-github-containers-common ships the vendor file with the default capability list
    assertThat(m.get("PCS-HOST-PODMAN-006").evidence()).contains("(/usr/share/containers/containers.conf)");
    assertThat(m.get("PCS-HOST-CTR-001").status()).isEqualTo(Status.NOT_APPLICABLE);
    assertStatus(m, "PCS-HOST-DOCKER-006", Status.PASS);
    assertThat(m.get("PCS-HOST-DOCKER-006").evidence()).contains("fd://", "ExecStart of /lib/systemd/system/docker.service");
  }

  @Test
  void theHardenedRootPassesWhatItHardened() throws IOException {
    Map<String, CheckResult> m = run(hardened);
    for (String id : List.of("PCS-HOST-DOCKER-001", "PCS-HOST-DOCKER-004", "PCS-HOST-DOCKER-008", "PCS-HOST-DOCKER-011", "PCS-HOST-DOCKER-014",
        "PCS-HOST-DOCKER-015", "PCS-HOST-DOCKERFILES-006", "PCS-HOST-PODMAN-001", "PCS-HOST-PODMAN-004", "PCS-HOST-PODMAN-005", "PCS-HOST-KUBELET-004",
        "PCS-HOST-KUBELET-006", "PCS-HOST-KUBELET-008", "PCS-HOST-KUBELET-016", "PCS-HOST-LINUX-001", "PCS-HOST-LINUX-005", "PCS-HOST-LINUX-012",
        "PCS-HOST-LINUX-013")) {
      assertStatus(m, id, Status.PASS);
    }
    // the config file says true, the flag from /etc/default/kubelet says false: the flag decides, and says so
    assertStatus(m, "PCS-HOST-KUBELET-005", Status.PASS);
    assertThat(m.get("PCS-HOST-KUBELET-005").evidence()).isEqualTo(
        "anonymous-auth=false (flag --anonymous-auth in KUBELET_EXTRA_ARGS in /etc/default/kubelet)");
    assertThat(m.values()).noneMatch(r -> r.status() == Status.ERROR);
  }

  @Test
  void theUnhardenedRootFailsWithTheSourcesNamed() throws IOException {
    Map<String, CheckResult> m = run(unhardened);
    assertStatus(m, "PCS-HOST-DOCKER-006", Status.FAIL);
    assertThat(m.get("PCS-HOST-DOCKER-006").evidence()).contains("tcp://0.0.0.0:2375", "/etc/systemd/system/docker.service.d/override.conf");
    assertStatus(m, "PCS-HOST-DOCKER-004", Status.FAIL);
    assertStatus(m, "PCS-HOST-DOCKER-015", Status.FAIL);
    assertStatus(m, "PCS-HOST-DOCKER-001", Status.ERROR);
    assertThat(m.get("PCS-HOST-DOCKER-001").evidence()).startsWith("contradictory: icc is set both as flag --icc=false");
    assertStatus(m, "PCS-HOST-DOCKERFILES-006", Status.FAIL);
    assertStatus(m, "PCS-HOST-KUBELET-005", Status.FAIL);
    assertThat(m.get("PCS-HOST-KUBELET-005").evidence()).startsWith(
        "anonymous-auth=true (flag --anonymous-auth in KUBELET_EXTRA_ARGS in /etc/default/kubelet)");
    assertStatus(m, "PCS-HOST-KUBELET-008", Status.FAIL);
    assertStatus(m, "PCS-HOST-PODMAN-004", Status.FAIL);
    assertStatus(m, "PCS-HOST-PODMAN-007", Status.FAIL);
    assertStatus(m, "PCS-HOST-LINUX-008", Status.FAIL);
  }

  @Test
  void hardeningRaisesTheScore() throws IOException {
    HostReport h = new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.offline(hardened));
    HostReport u = new HostChecker(CATALOG, HostChecker.Options.all()).check(Root.offline(unhardened));
    assertThat(h.score().score()).as("hardened %s, unhardened %s", h.score(), u.score()).isGreaterThan(u.score().score() + 30);
    assertThat(u.score().score()).isLessThanOrEqualTo(49);
  }
}
