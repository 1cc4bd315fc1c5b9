package dev.portcullis.oci.it;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.TestImages.TestImage;
import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.TreeSnapshot;
import dev.portcullis.testkit.Umoci;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every fixture image in every form the acceptance tests read it in, each converted once per run
 * by skopeo, and what {@code umoci unpack} makes of each fixture.
 */
final class ImageForms {
  /** How an image is stored. */
  enum Form {
    /** The layout the fixture was built into (gzip layers). */
    OCI_LAYOUT,
    /** {@code skopeo copy ... docker-archive:}: {@code docker save}'s legacy form, uncompressed layers, no manifest. */
    DOCKER_ARCHIVE,
    /** {@code skopeo copy ... oci-archive:}: the layout as one tar. */
    OCI_ARCHIVE,
    /** {@code skopeo copy --dest-compress-format zstd ... oci:}: every layer recompressed as zstd. */
    ZSTD_LAYOUT
  }

  /** One fixture in one form: where Portcullis and skopeo find it. */
  record Variant(TestImage image, Form form, String source, String transportRef) {
    Image open() throws IOException {
      return Images.open(ImageSource.parse(source), ReadOptions.defaults());
    }
  }

  private static final Map<String, Variant> VARIANTS = new HashMap<>();
  private static final Map<String, TreeSnapshot> UNPACKED = new HashMap<>();

  private ImageForms() {}

  /** Every fixture name with every form, for {@code @MethodSource}; nothing is built until a test asks. */
  static Stream<Arguments> all() {
    return Stream.of("whiteouts", "links", "debootstrap").flatMap(name -> Stream.of(Form.values()).map(form -> Arguments.of(name, form)));
  }

  static TestImage fixture(String name) throws IOException {
    return switch (name) {
      case "whiteouts" -> TestImages.whiteouts();
      case "links" -> TestImages.links();
      case "debootstrap" -> TestImages.debootstrap();
      default -> throw new IllegalArgumentException("no fixture image named " + name);
    };
  }

  static synchronized Variant variant(String name, Form form) throws IOException {
    String key = name + "/" + form;
    Variant cached = VARIANTS.get(key);
    if (cached != null) {
      return cached;
    }
    TestImage image = fixture(name);
    Path dir = TestImages.workDir().resolve("forms").resolve(name + "-" + form.name().toLowerCase(java.util.Locale.ROOT));
    Files.createDirectories(dir);
    Variant v = switch (form) {
      case OCI_LAYOUT -> new Variant(image, form, image.source(), image.transportRef());
      case DOCKER_ARCHIVE -> {
        Path file = dir.resolve("image.tar");
        String ref = "docker-archive:" + file + ":portcullis-test/" + name + ":latest";
        Skopeo.copy(image.transportRef(), ref);
        yield new Variant(image, form, "docker-archive:" + file, "docker-archive:" + file);
      }
      case OCI_ARCHIVE -> {
        Path file = dir.resolve("image.tar");
        Skopeo.copy(image.transportRef(), "oci-archive:" + file + ":" + name);
        yield new Variant(image, form, "oci-archive:" + file + ":" + name, "oci-archive:" + file + ":" + name);
      }
      case ZSTD_LAYOUT -> {
        Path layout = dir.resolve("layout");
        Skopeo.copy(image.transportRef(), "oci:" + layout + ":" + name, Skopeo.CopyOption.ZSTD);
        yield new Variant(image, form, "oci-dir:" + layout + ":" + name, "oci:" + layout + ":" + name);
      }
    };
    VARIANTS.put(key, v);
    return v;
  }

  /**
   * The tree {@code umoci unpack} writes for the fixture's original layout (umoci 0.4.7 cannot read
   * zstd layers; every form has the same diffIDs, so the same tree). The bundle is deleted once
   * snapshotted.
   */
  static synchronized TreeSnapshot unpackedByUmoci(TestImage image) throws IOException {
    TreeSnapshot cached = UNPACKED.get(image.name());
    if (cached != null) {
      return cached;
    }
    Path bundle = TestImages.workDir().resolve("umoci-" + image.name());
    Path rootfs = Umoci.unpack(image.layout(), image.tag(), bundle);
    TreeSnapshot tree = TreeSnapshot.of(rootfs);
    Dirs.deleteTree(bundle);
    UNPACKED.put(image.name(), tree);
    return tree;
  }
}
