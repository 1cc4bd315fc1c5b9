package dev.portcullis.oci.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.it.ImageForms.Form;
import dev.portcullis.oci.it.ImageForms.Variant;
import dev.portcullis.oci.tree.Exporter;
import dev.portcullis.testkit.Tools;
import dev.portcullis.testkit.TreeSnapshot;
import dev.portcullis.testkit.TreeSnapshot.Kind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code portcullis image export} writes the same file system as {@code umoci unpack}, whatever
 * form the image is stored in: same paths, types, symlink texts, contents and mode bits (setuid,
 * setgid and sticky included). Hardlinks are compared by content: both sides are regular files.
 */
class ExportMatchesUmociIT {
  /** Device nodes and FIFOs: umoci makes them (mknod as root); Java cannot, so the export skips them and says so. */
  private static final Set<Kind> NOT_EXPORTED = Set.of(Kind.CHAR_DEVICE, Kind.BLOCK_DEVICE, Kind.FIFO, Kind.SOCKET);

  @TempDir Path tmp;

  @BeforeAll
  static void tools() throws IOException {
    Tools.require("umoci");
    Tools.require("skopeo");
    Tools.require("buildah");
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("dev.portcullis.oci.it.ImageForms#all")
  void exportIsWhatUmociUnpacks(String name, Form form) throws IOException {
    Variant v = ImageForms.variant(name, form);
    TreeSnapshot umoci = ImageForms.unpackedByUmoci(v.image());
    List<Digest> originalDiffIds;
    try (Image original = ImageForms.variant(name, Form.OCI_LAYOUT).open()) {
      originalDiffIds = original.config().diffIds();
    }

    Path target = tmp.resolve("rootfs");
    Exporter.Result result;
    try (Image image = v.open()) {
      assertThat(image.config().diffIds()).as("%s has the layers umoci unpacked", v.source()).isEqualTo(originalDiffIds);
      result = Exporter.export(image, target, ProgressListener.NONE);
    }
    TreeSnapshot exported = TreeSnapshot.of(target);

    TreeSnapshot expected = umoci.filter((path, node) -> !NOT_EXPORTED.contains(node.kind()));
    assertThat(exported.differences(expected, "portcullis export", "umoci unpack"))
        .withFailMessage(() -> exported.diff(expected, "portcullis export", "umoci unpack"))
        .isEmpty();
    assertThat(exported.nodes()).as("the comparison covers the fixture").containsKey(knownPath(name));
    List<String> special = umoci.filter((path, node) -> NOT_EXPORTED.contains(node.kind())).nodes().keySet().stream().toList();
    for (String path : special) {
      assertThat(result.skipped()).as("the export reports %s as skipped", path).anyMatch(s -> s.contains(path + ":"));
    }
    assertThat(result.skipped()).hasSize(special.size());
  }

  private static String knownPath(String name) {
    return switch (name) {
      case "whiteouts" -> "/data/new";
      case "links" -> "/opt/v2/added-by-umoci";
      case "debootstrap" -> "/var/lib/dpkg/status";
      default -> throw new IllegalArgumentException(name);
    };
  }
}
