package dev.portcullis.host.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's settings resolve as the kubelet resolves them: flag over config file over default,
 * the config file named by --config, and a setting found only in the file is taken from the file
 * (kube-bench#1256 reported such a setting as failing for want of the flag).
 */
class KubeletSettingsTest {
  static final String UNIT = "[Service]\nExecStart=/usr/bin/kubelet\n";
  static final String KUBEADM = "[Service]\n"
      + "Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n"
      + "EnvironmentFile=-/etc/default/kubelet\n"
      + "ExecStart=\n"
      + "ExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_EXTRA_ARGS\n";
  static final String CONFIG = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
      + "authentication:\n  anonymous:\n    enabled: true\nreadOnlyPort: 10255\n";

  @TempDir Path dir;
  HostFiles host;

  @BeforeEach
  void setUp() throws IOException {
    host = new HostFiles(dir).put("/lib/systemd/system/kubelet.service", UNIT)
        .put("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", KUBEADM).put("/var/lib/kubelet/config.yaml", CONFIG);
  }

  @Test
  void aFlagInAnEnvironmentFileOverridesTheConfigFile() throws IOException {
    host.put("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=\"--anonymous-auth=false --read-only-port=0\"\n");
    KubeletSettings k = KubeletSettings.resolve(Root.offline(dir));
    Setting anon = k.get("anonymous-auth").orElseThrow();
    assertThat(anon.value()).isEqualTo("false");
    assertThat(anon.origin()).isEqualTo(Origin.FLAG);
    assertThat(anon.source()).isEqualTo("flag --anonymous-auth in KUBELET_EXTRA_ARGS in /etc/default/kubelet");
    assertThat(k.get("read-only-port").orElseThrow().value()).isEqualTo("0");
  }

  @Test
  void aSettingOnlyInTheConfigFileComesFromTheFile() throws IOException {
    KubeletSettings k = KubeletSettings.resolve(Root.offline(dir));
    Setting anon = k.get("anonymous-auth").orElseThrow();
    assertThat(anon.value()).isEqualTo("true");
    assertThat(anon.origin()).isEqualTo(Origin.FILE);
    assertThat(anon.source()).isEqualTo("authentication.anonymous.enabled in /var/lib/kubelet/config.yaml");
    assertThat(k.configNote()).startsWith("named by flag --config=/var/lib/kubelet/config.yaml (KUBELET_CONFIG_ARGS in Environment= in "
        + "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf)");
  }

  @Test
  void theConfigFilePathComesFromTheConfigFlag() throws IOException {
    host.put("/etc/kubernetes/kubelet-config.yaml", "kind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\n")
        .put("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--config=/etc/kubernetes/kubelet-config.yaml\n")
        .put("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\n"
            + "ExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS\n");
    KubeletSettings k = KubeletSettings.resolve(Root.offline(dir));
    assertThat(k.configFile()).contains("/etc/kubernetes/kubelet-config.yaml");
    assertThat(k.get("anonymous-auth").orElseThrow().describe()).isEqualTo(
        "anonymous-auth=false (authentication.anonymous.enabled in /etc/kubernetes/kubelet-config.yaml)");
  }

  @Test
  void defaultsDependOnWhetherAConfigFileIsInUse() throws IOException {
    host.put("/var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\n");
    KubeletSettings withFile = KubeletSettings.resolve(Root.offline(dir));
    assertThat(withFile.get("authorization-mode").orElseThrow().describe()).isEqualTo("authorization-mode=Webhook (kubelet default with a config file)");
    host.put("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --v=2\n");
    java.nio.file.Files.delete(dir.resolve("var/lib/kubelet/config.yaml"));
    KubeletSettings flagsOnly = KubeletSettings.resolve(Root.offline(dir));
    assertThat(flagsOnly.get("authorization-mode").orElseThrow().describe()).isEqualTo(
        "authorization-mode=AlwaysAllow (kubelet default without a config file)");
    assertThat(flagsOnly.get("anonymous-auth").orElseThrow().value()).isEqualTo("true");
  }

  @Test
  void liveFlagsComeFromTheRunningProcess() throws IOException {
    host.cmdline(1, "/sbin/init").cmdline(977, "/usr/bin/kubelet", "--config", "/var/lib/kubelet/config.yaml", "--anonymous-auth=false");
    KubeletSettings k = KubeletSettings.resolve(Root.simulatedLive(dir));
    assertThat(k.get("anonymous-auth").orElseThrow().source()).isEqualTo("flag --anonymous-auth in /proc/977/cmdline");
    assertThat(k.get("read-only-port").orElseThrow().source()).isEqualTo("readOnlyPort in /var/lib/kubelet/config.yaml");
  }

  @Test
  void aConfigFlagNamingNoFileIsAProblem() throws IOException {
    host.put("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--config=/nowhere.yaml\n")
        .put("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\n"
            + "ExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS\n");
    assertThatThrownBy(() -> KubeletSettings.resolve(Root.offline(dir))).isInstanceOf(RootProblem.class)
        .hasMessageContaining("names /nowhere.yaml, which does not exist");
  }
}
