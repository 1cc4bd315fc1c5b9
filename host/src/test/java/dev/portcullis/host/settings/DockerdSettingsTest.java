package dev.portcullis.host.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.settings.Setting.Origin;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dockerd's settings: daemon.json beside the unit's flags, drop-ins resetting ExecStart, and a setting given both ways. */
class DockerdSettingsTest {
  static final String UNIT = "[Unit]\nDescription=Docker\n\n[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n";

  @TempDir Path dir;

  @Test
  void aDropInResetsTheUnitsExecStart() throws IOException {
    new HostFiles(dir).put("/lib/systemd/system/docker.service", UNIT + "ExecStartPost=/bin/true\n")
        .put("/etc/systemd/system/docker.service.d/10-tcp.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375 \\\n  --icc=false\n")
        .put("/etc/docker/daemon.json", "{\"live-restore\": true}");
    DockerdSettings d = DockerdSettings.resolve(Root.offline(dir));
    assertThat(d.get("hosts").orElseThrow().value()).isEqualTo("tcp://0.0.0.0:2375");
    assertThat(d.get("icc").orElseThrow().source()).isEqualTo("flag --icc (ExecStart of /etc/systemd/system/docker.service.d/10-tcp.conf)");
    assertThat(d.get("containerd")).isEmpty(); // the unit's own ExecStart was cleared
    assertThat(d.get("live-restore").orElseThrow().origin()).isEqualTo(Origin.FILE);
    assertThat(d.get("userland-proxy").orElseThrow().describe()).isEqualTo("userland-proxy=true (dockerd default)");
  }

  @Test
  void theUnitInEtcWinsAndADropInOfTheSameNameHidesTheVendorOne() throws IOException {
    new HostFiles(dir).put("/lib/systemd/system/docker.service", UNIT)
        .put("/etc/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --log-level=debug\n")
        .put("/lib/systemd/system/docker.service.d/50-x.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --log-level=error\n")
        .put("/etc/systemd/system/docker.service.d/50-x.conf", "[Service]\nEnvironment=X=1\n");
    SystemdUnit unit = SystemdUnit.load(Root.offline(dir), "docker.service").orElseThrow();
    assertThat(unit.file()).isEqualTo("/etc/systemd/system/docker.service");
    assertThat(unit.dropIns()).containsExactly("/etc/systemd/system/docker.service.d/50-x.conf");
    assertThat(DockerdSettings.resolve(Root.offline(dir)).get("log-level").orElseThrow().value()).isEqualTo("debug");
  }

  @Test
  void aSettingGivenAsFlagAndInDaemonJsonIsAContradiction() throws IOException {
    new HostFiles(dir).put("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd -H fd:// --icc=false --insecure-registry r:5000\n")
        .put("/etc/docker/daemon.json", "{\"icc\": true, \"insecure-registries\": [\"q:5000\"], \"log-level\": \"warn\"}");
    DockerdSettings d = DockerdSettings.resolve(Root.offline(dir));
    assertThat(d.conflicts()).extracting(DockerdSettings.Conflict::key).containsExactly("icc", "insecure-registries");
    assertThat(d.conflict("icc").orElseThrow().describe()).isEqualTo("icc is set both as flag --icc=false (ExecStart of /lib/systemd/system/docker.service)"
        + " and in /etc/docker/daemon.json (icc=true); dockerd refuses to start with a setting given both ways");
    assertThat(d.conflict("log-level")).isEmpty();
  }

  @Test
  void theConfigFileFlagNamesTheFileRead() throws IOException {
    new HostFiles(dir).put("/lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --config-file /srv/docker.json\n")
        .put("/srv/docker.json", "{\"icc\": false}").put("/etc/docker/daemon.json", "{\"icc\": true}");
    DockerdSettings d = DockerdSettings.resolve(Root.offline(dir));
    assertThat(d.get("icc").orElseThrow().describe()).isEqualTo("icc=false (/srv/docker.json)");
    assertThat(d.conflicts()).isEmpty();
  }
}
