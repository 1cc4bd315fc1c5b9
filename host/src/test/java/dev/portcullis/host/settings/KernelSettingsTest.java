package dev.portcullis.host.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.root.Root;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sysctls and mounts: live from /proc, offline from the files the host applies at boot. */
class KernelSettingsTest {
  @TempDir Path dir;

  @Test
  void offlineSysctlsFollowSystemdSysctlOrder() throws IOException {
    new HostFiles(dir).put("/usr/lib/sysctl.d/50-default.conf", "fs.protected_symlinks = 1\nfs.protected_hardlinks = 1\n")
        .put("/etc/sysctl.d/50-default.conf", "fs.protected_hardlinks = 0\n")
        .put("/etc/sysctl.d/99-z.conf", "net/ipv4/ip_forward=1\n")
        .put("/etc/sysctl.conf", "# last\nnet.ipv4.ip_forward = 0\n");
    Root root = Root.offline(dir);
    // /usr/lib's 50-default.conf is hidden by /etc's file of the same name, which does not set it
    assertThat(Sysctls.get(root, "fs.protected_symlinks").orElseThrow().describe()).isEqualTo(
        "fs.protected_symlinks=0 (kernel default, no sysctl file sets it)");
    assertThat(Sysctls.get(root, "fs.protected_hardlinks").orElseThrow().describe()).isEqualTo(
        "fs.protected_hardlinks=0 (/etc/sysctl.d/50-default.conf)");
    assertThat(Sysctls.get(root, "net.ipv4.ip_forward").orElseThrow().describe()).isEqualTo("net.ipv4.ip_forward=0 (/etc/sysctl.conf)");
    assertThat(Sysctls.get(root, "kernel.randomize_va_space").orElseThrow().source()).isEqualTo("kernel default, no sysctl file sets it");
  }

  @Test
  void liveSysctlsComeFromProc() throws IOException {
    new HostFiles(dir).put("/proc/sys/net/ipv4/ip_forward", "1\n").put("/etc/sysctl.conf", "net.ipv4.ip_forward = 0\n");
    assertThat(Sysctls.get(Root.simulatedLive(dir), "net.ipv4.ip_forward").orElseThrow().describe()).isEqualTo(
        "net.ipv4.ip_forward=1 (/proc/sys/net/ipv4/ip_forward)");
  }

  @Test
  void mountsLiveFromMountinfoOfflineFromFstab() throws IOException {
    new HostFiles(dir).put("/proc/self/mountinfo", "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            + "30 22 0:25 / /var/lib/my\\040data rw,nosuid - tmpfs tmpfs rw,nodev\n")
        .put("/etc/fstab", "# comment\nUUID=1 / ext4 defaults 0 1\ntmpfs /tmp tmpfs nodev,nosuid 0 0\n");
    assertThat(Mounts.at(Root.simulatedLive(dir), "/var/lib/my data").orElseThrow().value()).isEqualTo("rw,nosuid,nodev");
    assertThat(Mounts.at(Root.offline(dir), "/tmp").orElseThrow().describe()).isEqualTo("/tmp=nodev,nosuid (/etc/fstab (tmpfs tmpfs))");
    assertThat(Mounts.at(Root.offline(dir), "/var/lib/docker")).isEmpty();
  }
}
