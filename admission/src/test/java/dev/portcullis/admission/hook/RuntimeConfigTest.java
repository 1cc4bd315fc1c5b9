package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.admission.HostAccess;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** config.json files podman 4.3 wrote for {@code podman run} with each option, read back as host access. */
class RuntimeConfigTest {
  private static HostAccess access(String fixture) throws Exception {
    byte[] bytes = Fixtures.bytes("podman-4.3-" + fixture + ".json");
    RuntimeConfig config = RuntimeConfig.parse(bytes, fixture);
    String cgroup = HookJson.MAPPER.readTree(bytes).path("linux").path("cgroupsPath").asText();
    String id = cgroup.substring(cgroup.lastIndexOf("libpod-") + "libpod-".length());
    return config.hostAccess(id, RuntimeConfig.RUNTIME_DEFAULT_CAPABILITIES);
  }

  @Test
  void aPlainContainerAsksForNothingButRunsAsTheHostsRoot() throws Exception {
    HostAccess a = access("plain");
    assertThat(a.privileged()).isFalse();
    assertThat(a.hostPid() || a.hostIpc() || a.hostNetwork()).isFalse();
    assertThat(a.hostPaths()).as("podman's own /etc/hosts, /dev/shm, .containerenv are not host paths").isEmpty();
    assertThat(a.addedCapabilities()).isEmpty();
    assertThat(a.seccompUnconfined()).isFalse();
    assertThat(a.readOnlyRoot()).isFalse();
    assertThat(a.hostUser()).as("rootful podman without --userns").isTrue();
    assertThat(a.user()).contains("0");
  }

  @Test
  void privilegedIsEveryCapabilityAndNoSeccomp() throws Exception {
    HostAccess a = access("privileged");
    assertThat(a.privileged()).isTrue();
    assertThat(a.seccompUnconfined()).isTrue();
    assertThat(a.addedCapabilities()).contains("SYS_ADMIN", "NET_ADMIN", "SYS_MODULE").doesNotContain("CHOWN");
  }

  @Test
  void privilegedIsRecognisedWithoutPodmansAnnotation() throws Exception {
    String text = new String(Fixtures.bytes("podman-4.3-privileged.json"), StandardCharsets.UTF_8)
        .replaceAll("\"io.podman.annotations.privileged\":\\s*\"TRUE\"", "\"x\":\"y\"");
    RuntimeConfig config = RuntimeConfig.parse(text.getBytes(StandardCharsets.UTF_8), "edited");
    assertThat(config.annotations()).doesNotContainKey("io.podman.annotations.privileged");
    assertThat(config.hostAccess("x", RuntimeConfig.RUNTIME_DEFAULT_CAPABILITIES).privileged()).isTrue();
  }

  @Test
  void hostNamespacesAreTheOnesLeftOut() throws Exception {
    assertThat(access("pidhost").hostPid()).isTrue();
    assertThat(access("pidhost").hostNetwork()).isFalse();
    assertThat(access("ipchost").hostIpc()).isTrue();
    assertThat(access("ipchost").hostPaths()).as("the host's /dev/shm comes with the host's IPC").isEmpty();
    assertThat(access("nethost").hostNetwork()).isTrue();
    assertThat(access("nethost").hostPid()).isFalse();
  }

  @Test
  void bindMountsOfTheHostAreHostPaths() throws Exception {
    assertThat(access("rootmount").hostPaths()).containsExactly("/");
    assertThat(access("sock").hostPaths()).containsExactly("/run");
  }

  @Test
  void anAddedCapabilityIsOneBeyondTheRuntimeDefaults() throws Exception {
    assertThat(access("capadd").addedCapabilities()).containsExactly("SYS_ADMIN");
    assertThat(access("capadd").privileged()).isFalse();
  }

  @Test
  void seccompUnconfinedAndReadOnlyRoot() throws Exception {
    assertThat(access("seccomp").seccompUnconfined()).isTrue();
    assertThat(access("seccomp").privileged()).isFalse();
    assertThat(access("readonly").readOnlyRoot()).isTrue();
  }

  @Test
  void aUserNamespaceIsNotTheHostsUser() throws Exception {
    assertThat(access("userns").hostUser()).isFalse();
  }

  @Test
  void whatIsNotARuntimeConfigurationIsRefused() {
    assertThatThrownBy(() -> RuntimeConfig.parse("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "x.json"))
        .hasMessageContaining("not an OCI runtime configuration");
    assertThatThrownBy(() -> RuntimeConfig.parse("[1]".getBytes(StandardCharsets.UTF_8), "x.json")).hasMessageContaining("not an object");
    assertThatThrownBy(() -> RuntimeConfig.parse("{\"process\":".getBytes(StandardCharsets.UTF_8), "x.json")).hasMessageContaining("not JSON");
  }

  @Test
  void aUserNameIsUnknownUntilTheContainerResolvesIt() throws Exception {
    String text = "{\"process\":{\"user\":{\"uid\":1000}},\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
        + "{\"type\":\"network\"},{\"type\":\"user\"}],\"seccomp\":{}}}";
    HostAccess a = RuntimeConfig.parse(text.getBytes(StandardCharsets.UTF_8), "x").hostAccess("x", RuntimeConfig.RUNTIME_DEFAULT_CAPABILITIES);
    assertThat(a.user()).isEqualTo(Optional.of("1000"));
    assertThat(a.hostUser() || a.hostPid() || a.hostIpc() || a.hostNetwork() || a.privileged()).isFalse();
  }
}
