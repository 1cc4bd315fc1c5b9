package dev.portcullis.oci.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.local.ContainersStore.StoredImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Naming an image of a containers-storage store as podman does: ID prefixes, short names, digests. */
class StoreImageReaderTest {
  private static final Path ROOT = Path.of("/var/lib/containers/storage");
  private static final Digest PULLED = Digest.parse("sha256:" + "d".repeat(64));
  private static final StoredImage HUB_ALPINE = image("a1b2" + "0".repeat(60), List.of("docker.io/library/alpine:latest", "docker.io/library/alpine:3.20"), PULLED);
  private static final StoredImage LOCAL_ALPINE = image("a1c3" + "0".repeat(60), List.of("localhost/alpine:latest"), null);
  private static final StoredImage QUAY_TOOL = image("f00d" + "0".repeat(60), List.of("quay.io/team/tool:1"), null);
  private static final StoredImage GHCR_TOOL = image("f00e" + "0".repeat(60), List.of("ghcr.io/other/tool:1"), null);
  private static final List<StoredImage> STORE = List.of(HUB_ALPINE, LOCAL_ALPINE, QUAY_TOOL, GHCR_TOOL);

  private static StoredImage image(String id, List<String> names, Digest digest) {
    Digest d = digest != null ? digest : Digest.parse("sha256:" + id.replace('0', 'e'));
    return new StoredImage("overlay", id, names, Optional.of(d), List.of(d), Optional.empty(), List.of("manifest"));
  }

  private static StoredImage resolve(String wanted) throws ImageReadException {
    return StoreImageReader.resolve(STORE, wanted, "containers-storage:" + wanted, ROOT);
  }

  @Test
  void aShortNameIsLocalhostFirstThenDockerHub() throws ImageReadException {
    assertThat(resolve("alpine")).isEqualTo(LOCAL_ALPINE);
    assertThat(resolve("alpine:3.20")).isEqualTo(HUB_ALPINE);
    assertThat(resolve("docker.io/library/alpine")).isEqualTo(HUB_ALPINE);
    assertThat(resolve("library/alpine:latest")).isEqualTo(HUB_ALPINE);
    assertThat(resolve("alpine@" + PULLED)).isEqualTo(HUB_ALPINE);
  }

  @Test
  void aRepositoryPathMatchesAnyRegistryWhenOnlyOneHasIt() throws ImageReadException {
    assertThat(resolve("team/tool:1")).isEqualTo(QUAY_TOOL);
    assertThatThrownBy(() -> resolve("tool:1")).hasMessage("read containers-storage:tool:1: 'tool:1' names 2 images; give the full name with its registry, or the image's ID");
    assertThat(resolve("quay.io/team/tool:1")).isEqualTo(QUAY_TOOL);
  }

  @Test
  void anIdPrefixMustBeUnique() throws ImageReadException {
    assertThat(resolve("a1b")).isEqualTo(HUB_ALPINE);
    assertThat(resolve("sha256:" + GHCR_TOOL.id())).isEqualTo(GHCR_TOOL);
    assertThatThrownBy(() -> resolve("a1")).hasMessage("read containers-storage:a1: 'a1' is an ambiguous ID prefix (2 images' IDs start with it); give more of the ID");
  }

  @Test
  void anUnknownNameListsNothingOfTheStore() {
    assertThatThrownBy(() -> resolve("quay.io/team/tool:2"))
        .hasMessage("read containers-storage:quay.io/team/tool:2: no image named 'quay.io/team/tool:2' in the containers-storage store at " + ROOT);
    assertThatThrownBy(() -> resolve("Bad Name")).hasMessageStartingWith("read containers-storage:Bad Name: 'Bad Name' is neither an image ID nor an image name (");
  }
}
