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
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  /**
   * Device nodes and FIFOs: both sides make them as root (mknod), and without privileges the export
   * skips them and says so. A tar holds no socket.
   */
  private static final Set<Kind> NOT_EXPORTED = ROOT ? Set.of(Kind.SOCKET) : Set.of(Kind.CHAR_DEVICE, Kind.BLOCK_DEVICE, Kind.FIFO, Kind.SOCKET);

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

  /**
   * A layer with a FIFO, a character device (the null device's numbers) and a block device: as root
   * the export makes each with its type, mode, owner and device numbers exactly as {@code umoci
   * unpack} does; without privileges it skips each and says so.
   */
  @org.junit.jupiter.api.Test
  void deviceNodesAndFifosAreMadeAsUmociMakesThem() throws IOException {
    Path layout = tmp.resolve("special-layout");
    new dev.portcullis.testkit.OciLayoutBuilder().refName("special")
        .layer(new dev.portcullis.testkit.LayerBuilder().dir("dev").dir("run")
            .fifo("run/pipe", 0620).device("dev/null", false, 1, 3, 0666).device("dev/loop7", true, 7, 7, 0660).build(),
            dev.portcullis.testkit.OciLayoutBuilder.Compression.GZIP, "ADD special.tar /")
        .write(layout);
    Path target = tmp.resolve("special-rootfs");
    Exporter.Result result;
    try (Image image = dev.portcullis.oci.images.Images.open(dev.portcullis.oci.ImageSource.parse("oci-dir:" + layout + ":special"),
        dev.portcullis.oci.ReadOptions.defaults())) {
      result = Exporter.export(image, target, ProgressListener.NONE);
    }
    List<String> special = List.of("/run/pipe", "/dev/null", "/dev/loop7");
    if (!ROOT) {
      assertThat(result.skipped()).hasSize(3).allMatch(s -> s.contains("only root makes device nodes and FIFOs"));
      return;
    }
    assertThat(result.skipped()).isEmpty();
    Path rootfs = dev.portcullis.testkit.Umoci.unpack(layout, "special", tmp.resolve("special-bundle"));
    TreeSnapshot umoci = TreeSnapshot.of(rootfs);
    TreeSnapshot exported = TreeSnapshot.of(target);
    assertThat(exported.differences(umoci, "portcullis export", "umoci unpack")).withFailMessage(() -> exported.diff(umoci, "portcullis export", "umoci unpack"))
        .isEmpty();
    for (String path : special) {
      Path ours = target.resolve(path.substring(1));
      Path theirs = rootfs.resolve(path.substring(1));
      for (String attribute : List.of("unix:rdev", "unix:mode", "unix:uid", "unix:gid", "lastModifiedTime")) {
        assertThat(java.nio.file.Files.getAttribute(ours, attribute, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("%s of %s", attribute, path)
            .isEqualTo(java.nio.file.Files.getAttribute(theirs, attribute, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      }
    }
    assertThat(exported.nodes().get("/dev/null").kind()).isEqualTo(Kind.CHAR_DEVICE);
    assertThat(exported.nodes().get("/dev/loop7").kind()).isEqualTo(Kind.BLOCK_DEVICE);
    assertThat(exported.nodes().get("/run/pipe").kind()).isEqualTo(Kind.FIFO);
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
