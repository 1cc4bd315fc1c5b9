package dev.portcullis.host.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.host.root.Root;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containers.conf layers as podman reads it: vendor, /etc, its drop-ins in name order, the rootless user's, CONTAINERS_CONF. */
class ContainersConfTest {
  @TempDir Path dir;
  Root root;

  @BeforeEach
  void setUp() throws IOException {
    new HostFiles(dir).put("/usr/share/containers/containers.conf", "[containers]\npidns = \"host\"\npids_limit = 100\nnetns = \"host\"\n")
        .put("/etc/containers/containers.conf", "[containers]\npidns = \"private\"\n")
        .put("/etc/containers/containers.conf.d/20-b.conf", "[containers]\npids_limit = 300\n")
        .put("/etc/containers/containers.conf.d/10-a.conf", "[containers]\npids_limit = 200\nseccomp_profile = \"unconfined\"\n")
        .put("/etc/containers/containers.conf.d/README", "not a drop-in\n")
        .put("/home/alice/.config/containers/containers.conf", "[containers]\nnetns = \"slirp4netns\"\n")
        .put("/srv/only.conf", "[containers]\npids_limit = 7\n");
    root = Root.offline(dir);
  }

  @Test
  void laterLayersWinPerKeyAndNameTheFileThatDecided() throws IOException {
    ContainersConf c = ContainersConf.resolve(root, Optional.empty(), Map.of());
    assertThat(c.get("containers.pidns").orElseThrow().describe()).isEqualTo("containers.pidns=private (/etc/containers/containers.conf)");
    assertThat(c.get("containers.pids_limit").orElseThrow().describe()).isEqualTo(
        "containers.pids_limit=300 (/etc/containers/containers.conf.d/20-b.conf)");
    assertThat(c.get("containers.netns").orElseThrow().value()).isEqualTo("host");
    assertThat(c.get("containers.seccomp_profile").orElseThrow().source()).isEqualTo("/etc/containers/containers.conf.d/10-a.conf");
    assertThat(c.get("containers.utsns").orElseThrow().source()).isEqualTo("podman default");
  }

  @Test
  void theRootlessUsersFileComesLast() throws IOException {
    ContainersConf c = ContainersConf.resolve(root, Optional.of("/home/alice"), Map.of());
    assertThat(c.get("containers.netns").orElseThrow().describe()).isEqualTo(
        "containers.netns=slirp4netns (/home/alice/.config/containers/containers.conf)");
  }

  @Test
  void containersConfReplacesEveryLayer() throws IOException {
    ContainersConf c = ContainersConf.resolve(root, Optional.of("/home/alice"), Map.of("CONTAINERS_CONF", "/srv/only.conf"));
    assertThat(c.files()).containsExactly("/srv/only.conf");
    assertThat(c.get("containers.pids_limit").orElseThrow().value()).isEqualTo("7");
    assertThat(c.get("containers.pidns").orElseThrow().source()).isEqualTo("podman default");
  }
}
