package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.fuzz.LayoutModel.Layer;
import dev.portcullis.oci.fuzz.LayoutModel;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exporting images whose layers no well-behaved tool would write, and the export root. */
class ExporterTest {
  @TempDir Path tmp;

  private Image open(byte[]... tars) throws IOException {
    Path layout = tmp.resolve("layout");
    new LayoutModel(Stream.of(tars).map(t -> Layer.of(t, Compression.GZIP)).toList()).write(layout);
    return Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults());
  }

  private Exporter.Result export(Image image) throws IOException {
    return Exporter.export(image, tmp.resolve("out"), ProgressListener.NONE);
  }

  @Test
  void aTarThatEndsInsideAFileIsAReadErrorAndLeavesNothingBehind() throws IOException {
    byte[] whole = new LayerBuilder().file("big", new byte[100_000], 0644).build();
    // the header declares 100000 bytes; only the first 1024 follow, and no end-of-archive blocks
    try (Image image = open(Arrays.copyOf(whole, 512 + 1024))) {
      assertThatThrownBy(() -> export(image)).isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith("read tar of layer 0 (" + image.layers().get(0).digest() + ") of " + image.name() + ": content of entry 0 'big' (");
      assertThat(tmp.resolve("out")).doesNotExist();
      assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".out"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"name", "link target"})
  void aNulCharacterInANameIsRefusedBeforeAnythingIsPlaced(String where) throws IOException {
    String longName = "x".repeat(120) + "\0../../../etc/passwd"; // long, so that it travels in a PAX record
    LayerBuilder tar = new LayerBuilder().file("first", "1");
    byte[] layer = (where.equals("name") ? tar.file(longName, "x") : tar.symlink("link", longName)).build();
    try (Image image = open(layer)) {
      String named = where.equals("name") ? "x".repeat(120) + "\\u0000../../../etc/passwd" : "link";
      String expected = "read tar of layer 0 (" + image.layers().get(0).digest() + ") of " + image.name() + ": entry 1 '" + named
          + "' has a NUL character in its " + where;
      assertThatThrownBy(() -> FileTree.read(image, new LayerScanner(null, 100))).isInstanceOf(ImageReadException.class).hasMessage(expected);
      assertThatThrownBy(() -> export(image)).isInstanceOf(ImageReadException.class).hasMessage(expected);
      assertThat(tmp.resolve("out")).doesNotExist();
    }
  }

  @Test
  void aSymlinkWithAnEmptyTargetIsSkippedAndReported() throws IOException {
    try (Image image = open(new LayerBuilder().symlink("empty", "").file("after", "a").build())) {
      Exporter.Result result = export(image);
      assertThat(result.skipped()).containsExactly("layer 0: /empty: symlink with an empty target not created");
      assertThat(tmp.resolve("out/after")).hasContent("a");
      assertThat(tmp.resolve("out/empty")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a component of 300 bytes", "a path of 5000 bytes"})
  void aNameTheFileSystemCannotHoldIsAReadErrorAndLeavesNothingBehind(String what) throws IOException {
    String name = what.startsWith("a component") ? "long/" + "n".repeat(300) : "dddddddddd/".repeat(460) + "f";
    try (Image image = open(new LayerBuilder().file("first", "1").build(), new LayerBuilder().file(name, "x").build())) {
      assertThatThrownBy(() -> export(image)).isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith("export layer 1 (" + image.layers().get(1).digest() + ") of " + image.name() + ": cannot write /" + name.substring(0, 20))
          .hasMessageEndingWith("(File name too long)");
      assertThat(tmp.resolve("out")).doesNotExist();
      assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".out"));
    }
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  void theRootIsOpenToEveryoneWhenNoLayerSaysOtherwise() throws IOException {
    try (Image image = open(new LayerBuilder().dir("etc").file("etc/hostname", "box").build())) {
      export(image);
    }
    assertThat(mode(tmp.resolve("out"))).isEqualTo(0755);
  }

  @Test
  void theRootTakesTheModeOfALayersDotEntry() throws IOException {
    try (Image image = open(new LayerBuilder().dir("./", 0755).dir("etc").build(), new LayerBuilder().dir("./", 0750).file("etc/hostname", "box").build())) {
      export(image);
    }
    assertThat(mode(tmp.resolve("out"))).isEqualTo(0750);
    assertThat(tmp.resolve("out/etc/hostname")).hasContent("box");
  }

  @Test
  void theTargetKeepsSafePermissionsAndItsOwnerWhateverTheRootEntrySays() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      var root = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("./");
      root.setMode(040000 | 07777);
      root.setUserId(1234);
      root.setGroupId(1234);
      tar.putArchiveEntry(root);
      tar.closeArchiveEntry();
      var file = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("hello");
      file.setSize(2);
      tar.putArchiveEntry(file);
      tar.write("hi".getBytes());
      tar.closeArchiveEntry();
    }
    try (Image image = open(bytes.toByteArray())) {
      export(image);
    }
    Path out = tmp.resolve("out");
    assertThat(mode(out)).isEqualTo(0755);
    assertThat(Files.getAttribute(out, "unix:uid")).isEqualTo(Files.getAttribute(tmp, "unix:uid"));
    assertThat(out.resolve("hello")).hasContent("hi");
  }

  @Test
  void theEntryLimitIsEnforcedWhileStreamingAndNothingIsLeftBehind() throws IOException {
    LayerBuilder many = new LayerBuilder();
    for (int i = 0; i < 50; i++) {
      many.file("f" + i, "x");
    }
    try (Image image = open(many.build())) {
      assertThatThrownBy(() -> Exporter.export(image, tmp.resolve("out"), ProgressListener.NONE, 20))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("read layer 0 (" + image.layers().get(0).digest() + ") of " + image.name() + ": more than 20 entries in the image");
    }
    assertThat(tmp.resolve("out")).doesNotExist();
    assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".out"));
  }
}
