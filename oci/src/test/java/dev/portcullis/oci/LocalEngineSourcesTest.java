package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The source syntax of the local engines: {@code containers-storage:[STORE]NAME} and {@code docker:NAME}. */
class LocalEngineSourcesTest {
  @Test
  void containersStorageTakesTheStoreAsContainersImageWritesIt() {
    assertThat(ImageSource.parse("containers-storage:alpine")).isEqualTo(new ImageSource.ContainersStorage(null, null, "alpine"));
    assertThat(ImageSource.parse("containers-storage:[overlay@/var/lib/containers/storage+/run/containers/storage:overlay.mountopt=nodev]alpine:latest"))
        .isEqualTo(new ImageSource.ContainersStorage(Path.of("/var/lib/containers/storage"), "overlay", "alpine:latest"));
    assertThat(ImageSource.parse("containers-storage:[/srv/store]0123abcd")).isEqualTo(new ImageSource.ContainersStorage(Path.of("/srv/store"), null, "0123abcd"));
    assertThat(ImageSource.parse("containers-storage:[vfs@/srv/store]app:1").describe()).isEqualTo("containers-storage:[vfs@/srv/store]app:1");
    assertThatThrownBy(() -> ImageSource.parse("containers-storage:[overlay@/srv/store alpine")).hasMessage("containers-storage:[overlay@/srv/store alpine: the store has no closing ']'");
    assertThatThrownBy(() -> ImageSource.parse("containers-storage:[relative/store]alpine"))
        .hasMessage("containers-storage:[relative/store]: the store's root must be an absolute path");
    assertThatThrownBy(() -> ImageSource.parse("containers-storage:")).hasMessage("containers-storage: missing image name or ID");
  }

  @Test
  void dockerNameIsTheEngineAndDockerSlashSlashTheRegistry() {
    assertThat(ImageSource.parse("docker:alpine:3.20")).isEqualTo(new ImageSource.DockerEngine("alpine:3.20"));
    assertThat(ImageSource.parse("docker://alpine:3.20")).isInstanceOf(ImageSource.Remote.class);
    assertThat(((ImageSource.Remote) ImageSource.parse("docker://127.0.0.1:5000/app:1")).ref().apiHost()).isEqualTo("127.0.0.1:5000");
    assertThat(ImageSource.parse("registry:alpine")).isInstanceOf(ImageSource.Remote.class);
  }

  @Test
  void dockerHostFromTheEnvironmentAndTheUsersOwnStore() {
    assertThat(EngineOptions.forUser(java.util.Map.of("DOCKER_HOST", "unix:///tmp/d.sock")).dockerHost()).isEqualTo("unix:///tmp/d.sock");
    assertThat(EngineOptions.forUser(java.util.Map.of()).dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(EngineOptions.forUser(java.util.Map.of()).withStorageRoot(Path.of("/srv/store")).storageRoot()).isEqualTo(Path.of("/srv/store"));
  }

  @Test
  void anEngineHostIsAUnixSocket() {
    assertThat(new EngineOptions(Path.of("/s"), "unix:///run/docker.sock").dockerHost()).isEqualTo("unix:///run/docker.sock");
    assertThatThrownBy(() -> dev.portcullis.oci.internal.DockerEngineClient.of("tcp://127.0.0.1:2375", TransferDeadlines.DEFAULT))
        .hasMessage("docker host 'tcp://127.0.0.1:2375': only a Unix socket (unix:///PATH) is supported");
  }
}
