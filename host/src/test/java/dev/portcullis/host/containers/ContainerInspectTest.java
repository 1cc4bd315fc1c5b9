package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerInspectTest {
  @Test
  void readsEveryFactOfAPrivilegedPodmanContainerWithTheHostsNamespacesAndRootMounted() throws IOException {
    ContainerFacts c = Fixtures.podman("inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json");

    assertThat(c.engine()).isEqualTo("podman");
    assertThat(c.id()).isEqualTo("121f4a68eaeca8c9f98b99cb2c862ad8690b15592f68d5db235be55f451146b6");
    assertThat(c.name()).isEqualTo("bad");
    assertThat(c.image()).isEqualTo("localhost/busybox:live");
    assertThat(c.privileged()).isTrue();
    assertThat(c.pidMode()).isEqualTo("host");
    assertThat(c.utsMode()).isEqualTo("host");
    assertThat(c.networkMode()).isEqualTo("none");
    // podman 4.3 reports --ipc=host as "shareable"; only the runtime spec tells
    assertThat(c.ipcMode()).isEqualTo("shareable");
    assertThat(c.mounts()).containsExactly(new ContainerFacts.Mount("/", "/host", true));
    assertThat(c.seccompProfile()).isEqualTo("unconfined");
    assertThat(c.memoryLimitBytes()).isZero();
    assertThat(c.pidsLimit()).isEqualTo(2048); // podman's containers.conf default
    assertThat(c.user()).isEmpty();
    assertThat(c.readOnlyRootfs()).isFalse();
  }

  @Test
  void podmansRuntimeSpecShowsTheHostIpcNamespaceItsInspectHides() throws IOException {
    ContainerFacts inspectOnly = Fixtures.podman("inspect-ipc-host.json");
    ContainerFacts withSpec = Fixtures.podman("inspect-ipc-host.json", "oci-config-ipc-host.json");
    ContainerFacts defaults = Fixtures.podman("inspect-defaults.json", "oci-config-defaults.json");

    assertThat(inspectOnly.ipcMode()).isEqualTo("shareable");
    assertThat(withSpec.ipcMode()).isEqualTo("host");
    assertThat(withSpec.pidMode()).isEmpty();
    assertThat(withSpec.networkMode()).isEqualTo("none");
    assertThat(defaults.ipcMode()).isEqualTo("shareable");
    assertThat(defaults.pidMode()).isEmpty();
    assertThat(defaults.utsMode()).isEmpty();
  }

  @Test
  void readsTheHardenedPodmanContainersLimitsUserAndReadOnlyRoot() throws IOException {
    ContainerFacts c = Fixtures.podman("inspect-hardened.json");

    assertThat(c.privileged()).isFalse();
    assertThat(c.memoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(c.pidsLimit()).isEqualTo(100);
    assertThat(c.user()).isEqualTo("1000");
    assertThat(c.readOnlyRootfs()).isTrue();
    assertThat(c.addedCapabilities()).isEmpty();
    assertThat(c.mounts()).isEmpty();
  }

  @Test
  void podmanCapabilitiesLoseTheirCapPrefix() throws IOException {
    assertThat(Fixtures.podman("inspect-cap-add-sys-admin-net-admin.json").addedCapabilities())
        .containsExactly("NET_ADMIN", "SYS_ADMIN");
  }

  @Test
  void podmanMountsKeepTheirSourceDestinationAndWritability() throws IOException {
    assertThat(Fixtures.podman("inspect-etc-ro-proc-rw-volume.json").mounts()).containsExactly(
        new ContainerFacts.Mount("/tmp/pcs-live-p/root/volumes/vol1/_data", "/data", true),
        new ContainerFacts.Mount("/etc", "/hostetc", false),
        new ContainerFacts.Mount("/proc", "/hostproc", true));
  }

  @Test
  void readsEveryFactOfAPrivilegedDockerContainer() throws IOException {
    ContainerFacts c = Fixtures.docker("inspect-privileged-host-pid-ipc-uts-root-mount-unconfined.json");

    assertThat(c.engine()).isEqualTo("docker");
    assertThat(c.name()).isEqualTo("bad");
    assertThat(c.image()).isEqualTo("busybox:live");
    assertThat(c.privileged()).isTrue();
    assertThat(List.of(c.pidMode(), c.ipcMode(), c.utsMode())).containsOnly("host");
    assertThat(c.addedCapabilities()).containsExactly("SYS_ADMIN");
    assertThat(c.mounts()).containsExactly(new ContainerFacts.Mount("/", "/host", true));
    assertThat(c.seccompProfile()).isEqualTo("unconfined");
    // AppArmor is not enabled on the test machine: the profile is empty, the option still says unconfined
    assertThat(c.apparmorProfile()).isEqualTo("unconfined");
    assertThat(c.pidsLimit()).isZero(); // null in the answer: unlimited
  }

  @Test
  void readsDockerDefaultsAndTheHardenedContainer() throws IOException {
    ContainerFacts plain = Fixtures.docker("inspect-defaults.json");
    ContainerFacts hardened = Fixtures.docker("inspect-hardened.json");

    assertThat(plain.ipcMode()).isEqualTo("private");
    assertThat(plain.pidMode()).isEmpty();
    assertThat(plain.apparmorProfile()).isEmpty();
    assertThat(plain.seccompProfile()).isEmpty();
    assertThat(plain.addedCapabilities()).isEmpty();
    assertThat(hardened.memoryLimitBytes()).isEqualTo(64L << 20);
    assertThat(hardened.pidsLimit()).isEqualTo(100);
    assertThat(hardened.user()).isEqualTo("1000");
    assertThat(hardened.readOnlyRootfs()).isTrue();
  }

  @Test
  void readsDockerCapabilitiesNamespacesAndMounts() throws IOException {
    assertThat(Fixtures.docker("inspect-cap-add-sys-admin-net-admin-chown.json").addedCapabilities())
        .containsExactly("CHOWN", "NET_ADMIN", "SYS_ADMIN");
    assertThat(Fixtures.docker("inspect-network-host.json").networkMode()).isEqualTo("host");
    ContainerFacts userns = Fixtures.docker("inspect-userns-host-user-0.json");
    assertThat(userns.usernsMode()).isEqualTo("host");
    assertThat(userns.user()).isEqualTo("0");
    assertThat(Fixtures.docker("inspect-docker-sock-etc-ro-volume.json").mounts()).containsExactly(
        new ContainerFacts.Mount("/tmp/pcs-live-d/data/volumes/vol1/_data", "/data", true),
        new ContainerFacts.Mount("/etc", "/hostetc", false),
        new ContainerFacts.Mount("/tmp/pcs-live-d/docker.sock", "/var/run/docker.sock", true));
  }

  @Test
  void listsTheIdsOfDockerAndPodmanListings() throws IOException {
    assertThat(ContainerInspect.dockerIds(Fixtures.bytes("docker/containers-list.json"))).hasSize(7)
        .allMatch(id -> id.matches("[0-9a-f]{64}"));
    assertThat(ContainerInspect.podmanIds(Fixtures.bytes("podman/ps.json"))).hasSize(8)
        .allMatch(id -> id.matches("[0-9a-f]{64}"));
    assertThat(ContainerInspect.podmanIds("[]\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(ContainerInspect.podmanIds(new byte[0])).isEmpty();
    assertThat(ContainerInspect.podmanIds((" ".repeat(100) + "[{\"Id\": \"abc\"}]").getBytes(StandardCharsets.UTF_8)))
        .containsExactly("abc");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      [{"Id": "abc", "HostConfig": {},                                 | not JSON at line 1
      {"Id": "abc"}                                                     | expected a JSON array of containers, found an object
      [{"Name": "x", "HostConfig": {}, "Config": {}}]                   | container #1: no Id
      [{"Id": "abc", "Config": {}}]                                     | container abc: no HostConfig object
      [{"Id": "abc", "HostConfig": {}}]                                 | container abc: no Config object
      [{"Id": "abc", "HostConfig": {"Privileged": "yes"}, "Config": {}}] | Privileged is a string, not true or false
      [{"Id": "abc", "HostConfig": {"Memory": 1.5}, "Config": {}}]      | Memory is a number, not a whole number
      [{"Id": "abc", "HostConfig": {"CapAdd": "ALL"}, "Config": {}}]    | CapAdd is a string, not an array of strings
      [{"Id": "abc", "HostConfig": {}, "Config": {}, "Mounts": {}}]     | Mounts is an object, not an array
      [{"Id": 7, "HostConfig": {}, "Config": {}}]                       | Id is a number, not a string
      ''                                                                | empty, no JSON
      """)
  void malformedPodmanOutputIsAOneLineErrorSayingWhatIsWrong(String json, String expected) {
    assertThatThrownBy(() -> ContainerInspect.podman(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("read podman inspect output")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void binaryJunkIsNotJson() {
    byte[] junk = new byte[4096];
    new java.util.Random(16).nextBytes(junk);
    assertThatThrownBy(() -> ContainerInspect.docker(junk)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("read docker container inspect answer: not JSON")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anAnswerOverTheCapIsRefusedUnread() {
    byte[] huge = new byte[ContainerInspect.MAX_BYTES + 1];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '[';
    assertThatThrownBy(() -> ContainerInspect.podman(huge)).isInstanceOf(IOException.class)
        .hasMessage("read podman inspect output: 16777217 bytes, more than the 16777216 accepted");
  }

  @Test
  void missingOptionalFieldsReadAsTheEnginesDefaults() throws IOException {
    ContainerFacts c = ContainerInspect.docker("""
        {"Id": "0123456789abcdef", "Name": "/bare", "HostConfig": {}, "Config": {}}
        """.getBytes(StandardCharsets.UTF_8));

    assertThat(c).isEqualTo(new ContainerFacts("docker", "0123456789abcdef", "bare", "", false, "", "", "", "", "",
        List.of(), List.of(), 0, 0, "", "", "", false));
  }

  @Test
  void aRuntimeSpecThatIsNotJsonIsAnErrorNamingTheSpec() {
    assertThatThrownBy(() -> ContainerInspect.podman(Fixtures.bytes("podman/inspect-defaults.json"),
        path -> Optional.of("{oops".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("read OCI runtime spec /tmp/pcs-live-p/root/vfs-containers/")
        .hasMessageContaining("not JSON");
  }
}
