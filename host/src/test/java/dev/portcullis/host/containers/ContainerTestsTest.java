package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerTestsTest {
  private static final String PRIVILEGED = "inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json";

  @Test
  void listsTheFourteenTestsOnceInCheckIdOrder() {
    assertThat(ContainerTests.all()).extracting(ContainerFacts.Test::name).containsExactly("privileged", "host-pid",
        "host-network", "host-ipc", "host-uts", "host-userns", "added-capabilities", "sensitive-mount", "memory-limit",
        "pids-limit", "runs-as-root", "seccomp", "apparmor", "read-only-rootfs");
    assertThat(ContainerTests.named("sensitive-mount")).map(ContainerFacts.Test::name).contains("sensitive-mount");
    assertThat(ContainerTests.named("no-such-test")).isEmpty();
  }

  @ParameterizedTest(name = "{0} fails on podman {1}")
  @CsvSource(delimiter = '|', textBlock = """
      privileged         | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json |                          | podman container bad (121f4a68eaec) runs privileged
      host-pid           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json |                          | podman container bad (121f4a68eaec) shares the host's PID namespace
      host-network       | inspect-network-host.json                                       |                          | podman container net (5f76006a02d4) shares the host's network namespace
      host-ipc           | inspect-ipc-host.json                                           | oci-config-ipc-host.json | podman container ipc (0a870fb0b20a) shares the host's IPC namespace
      host-uts           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json |                          | podman container bad (121f4a68eaec) shares the host's UTS namespace
      added-capabilities | inspect-cap-add-sys-admin-net-admin.json                        |                          | podman container cap (01a786f8f7fe) adds capabilities NET_ADMIN, SYS_ADMIN
      sensitive-mount    | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json |                          | podman container bad (121f4a68eaec) mounts / at /host (writable)
      sensitive-mount    | inspect-etc-ro-proc-rw-volume.json                              |                          | podman container sock (f27c7587b89f) mounts /etc at /hostetc (read-only), /proc at /hostproc (writable)
      memory-limit       | inspect-defaults.json                                           |                          | podman container plain (f1190681c210) has no memory limit
      pids-limit         | inspect-pids-limit-unlimited.json                               |                          | podman container nopids (3105f23c8ebd) has no PIDs limit
      runs-as-root       | inspect-defaults.json                                           |                          | podman container plain (f1190681c210) runs as the image's default user (root unless the image sets USER), no --user given
      runs-as-root       | inspect-user-0.json                                             |                          | podman container userns (84122468de19) runs as root (user 0)
      seccomp            | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json |                          | podman container bad (121f4a68eaec) runs without seccomp (seccomp=unconfined)
      apparmor           | inspect-apparmor-unconfined.json                                |                          | podman container noaa (cdb5e1442fae) runs without AppArmor (profile unconfined)
      read-only-rootfs   | inspect-defaults.json                                           |                          | podman container plain (f1190681c210) has a writable root file system
      """)
  void failsOnTheRecordedPodmanContainerThatHasIt(String test, String fixture, String spec, String message)
      throws IOException {
    assertThat(ContainerTests.named(test).orElseThrow().failure(Fixtures.podman(fixture, spec))).contains(message);
  }

  @ParameterizedTest(name = "{0} fails on docker {1}")
  @CsvSource(delimiter = '|', textBlock = """
      privileged         | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | runs privileged
      host-pid           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | shares the host's PID namespace
      host-network       | inspect-network-host.json                                       | shares the host's network namespace
      host-ipc           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | shares the host's IPC namespace
      host-uts           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | shares the host's UTS namespace
      host-userns        | inspect-userns-host-user-0.json                                 | shares the host's user namespace
      added-capabilities | inspect-cap-add-sys-admin-net-admin-chown.json                  | adds capabilities NET_ADMIN, SYS_ADMIN
      added-capabilities | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | adds capabilities SYS_ADMIN
      sensitive-mount    | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | mounts / at /host (writable)
      sensitive-mount    | inspect-docker-sock-etc-ro-volume.json                          | mounts /etc at /hostetc (read-only), /tmp/pcs-live-d/docker.sock at /var/run/docker.sock (writable)
      memory-limit       | inspect-defaults.json                                           | has no memory limit
      pids-limit         | inspect-defaults.json                                           | has no PIDs limit
      runs-as-root       | inspect-defaults.json                                           | runs as the image's default user (root unless the image sets USER), no --user given
      runs-as-root       | inspect-userns-host-user-0.json                                 | runs as root (user 0)
      seccomp            | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | runs without seccomp (seccomp=unconfined)
      apparmor           | inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json | runs without AppArmor (profile unconfined)
      read-only-rootfs   | inspect-defaults.json                                           | has a writable root file system
      """)
  void failsOnTheRecordedDockerContainerThatHasIt(String test, String fixture, String found) throws IOException {
    ContainerFacts c = Fixtures.docker(fixture);
    assertThat(ContainerTests.named(test).orElseThrow().failure(c))
        .contains("docker container " + c.name() + " (" + c.id().substring(0, 12) + ") " + found);
  }

  @Test
  void everyTestPassesTheHardenedContainerOfEitherEngine() throws IOException {
    for (ContainerFacts hardened : List.of(Fixtures.podman("inspect-hardened.json"), Fixtures.docker("inspect-hardened.json"))) {
      for (ContainerFacts.Test test : ContainerTests.all()) {
        assertThat(test.failure(hardened)).as(test.name() + " on " + hardened.engine()).isEmpty();
      }
    }
  }

  @Test
  void aContainerWithNothingSetFailsOnlyTheLimitsUserAndRootFileSystem() throws IOException {
    for (ContainerFacts plain : List.of(Fixtures.podman("inspect-defaults.json", "oci-config-defaults.json"),
        Fixtures.docker("inspect-defaults.json"))) {
      List<String> failed = ContainerTests.all().stream().filter(t -> t.failure(plain).isPresent())
          .map(ContainerFacts.Test::name).toList();
      // podman gives every container a PIDs limit of 2048 by default, docker none
      assertThat(failed).as(plain.engine()).containsExactlyElementsOf(plain.engine().equals("podman")
          ? List.of("memory-limit", "runs-as-root", "read-only-rootfs")
          : List.of("memory-limit", "pids-limit", "runs-as-root", "read-only-rootfs"));
    }
  }

  @Test
  void podmanCannotTellAnExplicitHostUserNamespaceFromItsDefaultSoNeitherFails() throws IOException {
    assertThat(ContainerTests.named("host-userns").orElseThrow().failure(Fixtures.podman("inspect-userns-host.json")))
        .isEmpty();
  }

  @Test
  void addingACapabilityTheEngineGivesAnywayPasses() {
    ContainerFacts chownOnly = facts(List.of("CHOWN", "NET_RAW"), List.of(), "1000");
    ContainerFacts all = facts(List.of("ALL"), List.of(), "1000");

    assertThat(ContainerTests.named("added-capabilities").orElseThrow().failure(chownOnly)).isEmpty();
    assertThat(ContainerTests.named("added-capabilities").orElseThrow().failure(all)).get().asString()
        .endsWith("adds capabilities ALL");
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      /,                            true
      /etc,                         true
      /etc/,                        true
      /etc/ssh,                     true
      /etcetera,                    false
      /home/me/src,                 false
      /var/lib/docker/volumes/x/_data, false
      /run/podman/podman.sock,      true
      /srv/engine/docker.sock,      true
      /var/run/containerd/containerd.sock, true
      /usr/local/share,             true
      /tmp/docker.socket,           false
      '',                           false
      """)
  void sensitiveHostPaths(String source, boolean sensitive) {
    assertThat(ContainerTests.isSensitive(source)).isEqualTo(sensitive);
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      /etc/localtime,                      false, false
      /etc/localtime,                      true,  true
      /usr/share/zoneinfo/Europe/Berlin,   false, false
      /etc/localtime.d,                    false, true
      /etc/passwd,                         false, true
      """)
  void timeZoneFilesMayBeMountedReadOnly(String source, boolean writable, boolean fails) {
    ContainerFacts c = facts(List.of(), List.of(new ContainerFacts.Mount(source, "/x", writable)), "1000");
    assertThat(ContainerTests.named("sensitive-mount").orElseThrow().failure(c).isPresent()).isEqualTo(fails);
  }

  @ParameterizedTest
  @CsvSource(textBlock = """
      '',        true
      root,      true
      0,         true
      0:0,       true
      root:1000, true
      1000,      false
      1000:0,    false
      app,       false
      """)
  void runsAsRootByTheConfiguredUser(String user, boolean root) {
    Optional<String> failure = ContainerTests.named("runs-as-root").orElseThrow()
        .failure(facts(List.of(), List.of(), user));
    assertThat(failure.isPresent()).isEqualTo(root);
  }

  private static ContainerFacts facts(List<String> caps, List<ContainerFacts.Mount> mounts, String user) {
    return new ContainerFacts("docker", "0123456789abcdef0123", "made", "img", false, "", "none", "private", "", "",
        caps, mounts, 1 << 26, 100, user, "", "", true);
  }
}
