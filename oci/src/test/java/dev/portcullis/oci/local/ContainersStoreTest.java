package dev.portcullis.oci.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containers-storage's metadata in the shape skopeo and podman 4.3 write it. */
class ContainersStoreTest {
  private static final String ID = "2b8f78fddbb9d69a1c3bc79ac6910ac14329d3dc5ce960b836f3c769b4bb26e2";
  private static final String LAYER = "2e459806cc0a91174041ebf5421b136a5ef3ca6e24682f3e8ec0655ee406e193";
  private static final String MANIFEST = "sha256:bc91aa8c33599a4ad33ab25a0ea981d88f3414db38d8c136f0cf937d2b8cf56c";

  @TempDir Path root;

  private void store() throws IOException {
    Files.createDirectories(root.resolve("overlay-images/" + ID));
    Files.writeString(root.resolve("overlay-images/images.json"), """
        [{"id":"%s","digest":"%s","names":["localhost/probe:1"],"layer":"%s",
          "big-data-names":["sha256:%s","manifest"],"created":"2026-12-07T00:26:35Z"},
         {"id":"../../etc","names":["evil:1"]}]
        """.formatted(ID, MANIFEST, LAYER, ID));
    Files.createDirectories(root.resolve("overlay-layers"));
    Files.writeString(root.resolve("overlay-layers/layers.json"), """
        [{"id":"%s","diff-digest":"sha256:%s","diff-size":2048,"compressed-diff-digest":"sha256:1d8c","compression":2}]
        """.formatted(LAYER, LAYER));
  }

  @Test
  void readsImagesAndLayersSkippingRecordsWhoseIdIsNoId() throws IOException {
    store();
    ContainersStore store = new ContainersStore(root);
    assertThat(store.drivers()).containsExactly("overlay");
    assertThat(store.images("overlay")).containsExactly(new ContainersStore.StoredImage("overlay", ID, List.of("localhost/probe:1"),
        Optional.of(Digest.parse(MANIFEST)), List.of(Digest.parse(MANIFEST)), Optional.of(LAYER), List.of("sha256:" + ID, "manifest")));
    assertThat(store.layers("overlay")).containsExactly(new ContainersStore.StoredLayer(LAYER, Optional.empty(), Optional.of(Digest.parse("sha256:" + LAYER)), 2048));
    assertThat(store.images("vfs")).isEmpty();
  }

  @Test
  void bigDataItemsAreReadByTheNamesTheStoreGivesTheirFiles() throws IOException {
    store();
    Files.writeString(root.resolve("overlay-images/" + ID + "/manifest"), "{}");
    // the config's key holds a colon, so its file is '=' and the key in base64
    Files.writeString(root.resolve("overlay-images/" + ID + "/=c2hhMjU2OjJiOGY3OGZkZGJiOWQ2OWExYzNiYzc5YWM2OTEwYWMxNDMyOWQzZGM1Y2U5NjBiODM2ZjNjNzY5YjRiYjI2ZTI="), "{\"c\":1}");
    ContainersStore store = new ContainersStore(root);
    ContainersStore.StoredImage image = store.images("overlay").get(0);
    assertThat(store.bigData(image, "manifest", 100)).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{}"));
    assertThat(store.bigData(image, "sha256:" + ID, 100)).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"c\":1}"));
    assertThat(store.bigData(image, "not-listed", 100)).isEmpty();
    assertThatThrownBy(() -> store.bigData(image, "manifest", 1)).hasMessage("read 'manifest' of image " + ID + " in containers-storage at " + root
        + ": larger than the limit of 1 bytes");
    assertThat(ContainersStore.bigDataFileName("..")).startsWith("=");
  }

  @Test
  void aSymlinkedOrMalformedMetadataFileFailsOnOneLine() throws IOException {
    Files.createDirectories(root.resolve("overlay-images"));
    Files.writeString(root.resolve("elsewhere.json"), "[]");
    Files.createSymbolicLink(root.resolve("overlay-images/images.json"), root.resolve("elsewhere.json"));
    ContainersStore store = new ContainersStore(root);
    assertThatThrownBy(() -> store.images("overlay")).hasMessage("read containers-storage metadata " + root.resolve("overlay-images/images.json") + ": not a regular file");
    Files.delete(root.resolve("overlay-images/images.json"));
    Files.writeString(root.resolve("overlay-images/images.json"), "{\"id\":1}");
    assertThatThrownBy(() -> store.images("overlay")).hasMessage("parse containers-storage metadata " + root.resolve("overlay-images/images.json") + ": not a JSON array");
    assertThatThrownBy(() -> store.images("../x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLayerDirectoryLinkedOutOfTheStoreIsNotFollowed() throws IOException {
    Path storeRoot = Files.createDirectories(root.resolve("store/overlay"));
    Path outside = Files.createDirectories(root.resolve("outside/diff"));
    Files.createSymbolicLink(storeRoot.resolve(LAYER), outside.getParent());
    ContainersStore store = new ContainersStore(storeRoot.getParent());
    Path diff = store.diffDirectory("overlay", LAYER).orElseThrow();
    assertThat(diff).isEqualTo(storeRoot.resolve(LAYER + "/diff"));
    assertThatThrownBy(() -> store.unlinked(diff)).hasMessage("read " + diff + ": overlay/" + LAYER + " is a symbolic link in the containers-storage store at "
        + store.root() + " (not followed)");
    assertThat(store.unlinked(store.tarSplit("overlay", LAYER))).isEqualTo(store.root().resolve("overlay-layers/" + LAYER + ".tar-split.gz"));
    assertThatThrownBy(() -> store.unlinked(store.root().resolve("../x"))).hasMessageContaining("not inside the containers-storage store");
  }
}
