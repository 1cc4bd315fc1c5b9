package dev.portcullis.admission.hook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image of a container, from the containers-storage metadata podman 4.3 wrote (vfs driver). */
class ImageLocatorTest {
  private static final String CONTAINER = "c44aa5c8253fce4f503e33f44df5055ba2fc8aa1b2ee2852ddc348b098cd1d52";
  private static final String IMAGE = "e4e0ba394611c6b5e4c3b5b6fcf85465a1395cae2f5248e9722fb824740cc30f";
  private static final String MANIFEST = "sha256:fa885cf65c7815da1a70f72888afeb108f3df8ddca8db777bcd2f79d20df0731";
  private static final RuntimeConfig NO_ANNOTATIONS = RuntimeConfig.empty(Map.of());

  @TempDir Path dir;

  private Path storage(String imageName) throws IOException {
    Path root = dir.resolve("root");
    for (String f : new String[] {"vfs-containers/containers.json", "vfs-images/images.json"}) {
      Path target = root.resolve(f);
      Files.createDirectories(target.getParent());
      String text = new String(Fixtures.bytes("storage/" + f), StandardCharsets.UTF_8).replace("localhost/tmp/hookx/layout:latest", imageName);
      Files.writeString(target, text);
    }
    return root;
  }

  private static OciState state(Path bundle, String id, Map<String, String> annotations) {
    return new OciState("1.0.2", id, "creating", OptionalLong.of(1), bundle, annotations);
  }

  @Test
  void podmansContainerIsFoundThroughTheBundleUnderItsGraphRoot() throws Exception {
    Path root = storage("127.0.0.1:5000/app:1");
    Path bundle = root.resolve("vfs-containers").resolve(CONTAINER).resolve("userdata");
    ImageLocator.Located located = new ImageLocator(dir.resolve("elsewhere")).locate(state(bundle, CONTAINER, Map.of()), NO_ANNOTATIONS);
    assertThat(located).isInstanceOfSatisfying(ImageLocator.Located.Found.class, f -> {
      assertThat(f.container()).isEqualTo("keep");
      assertThat(f.image().toString()).isEqualTo("127.0.0.1:5000/app:1@" + MANIFEST);
      assertThat(f.imageId()).isEqualTo(IMAGE);
    });
  }

  @Test
  void aNameWithADigestKeepsIt() throws Exception {
    Path root = storage("127.0.0.1:5000/app@" + MANIFEST);
    Path bundle = root.resolve("vfs-containers").resolve(CONTAINER).resolve("userdata");
    ImageLocator.Located located = new ImageLocator(root).locate(state(bundle, CONTAINER, Map.of()), NO_ANNOTATIONS);
    assertThat(((ImageLocator.Located.Found) located).image().digest()).isEqualTo(Digest.parse(MANIFEST));
  }

  @Test
  void crioNamesTheImageInAnnotationsAndKeepsBundlesElsewhere() throws Exception {
    Path root = storage("registry.example/team/app:2");
    Map<String, String> crio = Map.of(ImageLocator.CRIO_IMAGE_REF, "sha256:" + IMAGE, ImageLocator.CRIO_IMAGE_NAME, "registry.example/team/app:2",
        ImageLocator.CRIO_CONTAINER_NAME, "web");
    Path bundle = dir.resolve("run/overlay-containers/other/userdata");
    ImageLocator.Located located = new ImageLocator(root).locate(state(bundle, "other", crio), NO_ANNOTATIONS);
    assertThat(located).isInstanceOfSatisfying(ImageLocator.Located.Found.class, f -> {
      assertThat(f.container()).isEqualTo("web");
      assertThat(f.image().toString()).isEqualTo("registry.example/team/app:2@" + MANIFEST);
    });
  }

  @Test
  void aContainerTheStorageDoesNotKnowIsNotFoundAndSaysWhere() throws Exception {
    Path root = storage("127.0.0.1:5000/app:1");
    Path bundle = dir.resolve("bundles/x");
    ImageLocator.Located located = new ImageLocator(root).locate(state(bundle, "0123456789abcdef", Map.of()), NO_ANNOTATIONS);
    assertThat(located).isInstanceOfSatisfying(ImageLocator.Located.NotFound.class, n -> {
      assertThat(n.container()).isEqualTo("0123456789ab");
      assertThat(n.reason()).contains("not in containers-storage at " + root);
    });
  }

  @Test
  void anImageWithoutARegistryNameCannotBeLookedUp() throws Exception {
    Path root = storage("NOT A NAME");
    Path bundle = root.resolve("vfs-containers").resolve(CONTAINER).resolve("userdata");
    ImageLocator.Located located = new ImageLocator(root).locate(state(bundle, CONTAINER, Map.of()), NO_ANNOTATIONS);
    assertThat(located).isInstanceOfSatisfying(ImageLocator.Located.NotFound.class,
        n -> assertThat(n.reason()).contains("no registry name").contains("does not parse"));
  }

  @Test
  void brokenMetadataIsAnErrorNotAnImage() throws Exception {
    Path root = storage("127.0.0.1:5000/app:1");
    Files.writeString(root.resolve("vfs-containers/containers.json"), "[{\"id\": ");
    Path bundle = root.resolve("vfs-containers").resolve(CONTAINER).resolve("userdata");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImageLocator(root).locate(state(bundle, CONTAINER, Map.of()), NO_ANNOTATIONS))
        .isInstanceOf(HookInputException.class).hasMessageContaining("containers.json").hasMessageContaining("not JSON");
  }
}
