package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.fuzz.LayoutModel.Layer;
import dev.portcullis.oci.fuzz.LayoutModel;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.Exporter;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The documented failures of reading an image: each message names the image, the layer or file, and the cause. */
class ReadErrorMessagesTest {
  private static final Limits SMALL = new Limits(64L << 20, 1_000, 100, 1L << 20, 1L << 20);

  @TempDir Path tmp;

  private static byte[] tar() {
    return new LayerBuilder().dir("etc").file("etc/os-release", "ID=fuzz\n").file("etc/hostname", "box\n").build();
  }

  private Path write(Layer... layers) {
    Path dir = tmp.resolve("layout");
    new LayoutModel(List.of(layers)).write(dir);
    return dir;
  }

  private static Image open(Path layout, Limits limits) throws IOException {
    return Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults().withLimits(limits));
  }

  private static FileTree squash(Image image) throws IOException {
    return FileTree.read(image, new LayerScanner(null, SMALL.maxEntries()));
  }

  /** The message of what {@code squash} threw, which must name layer 0 of the image at {@code layout}. */
  private static AbstractThrowableAssert<?, ?> assertSquashFails(Path layout, Limits limits, Layer layer0) throws IOException {
    try (Image image = open(layout, limits)) {
      return assertThatThrownBy(() -> squash(image)).isInstanceOf(ImageReadException.class)
          .hasMessageContaining("layer 0 (" + layer0.digest() + ") of oci-dir:" + layout + "@sha256:");
    }
  }

  @ParameterizedTest(name = "cut {0} bytes before the end")
  @ValueSource(ints = {4, 200})
  void aTruncatedGzipLayerIsReportedAsTruncated(int cut) throws IOException {
    byte[] noise = new byte[4000];
    new Random(7).nextBytes(noise);
    Layer whole = Layer.of(new LayerBuilder().file("data", noise, 0644).file("more", "x").build(), Compression.GZIP);
    Layer truncated = whole.withBlob(Arrays.copyOf(whole.blob(), whole.blob().length - cut), true);
    assertSquashFails(write(truncated), SMALL, truncated)
        .hasMessageStartingWith("decompress layer 0 (")
        .hasMessageContaining(": truncated")
        .hasMessageNotContaining("null");
  }

  @Test
  void aTruncatedBlobUnderItsOriginalDescriptorFailsItsSizeCheck() throws IOException {
    Layer whole = Layer.of(tar(), Compression.GZIP);
    Layer truncated = whole.withBlob(Arrays.copyOf(whole.blob(), whole.blob().length / 2), false);
    assertSquashFails(write(truncated), SMALL, whole)
        .hasMessageStartingWith("read blob of layer 0 (")
        .hasMessageEndingWith(": truncated: expected " + whole.size() + " bytes, got " + whole.blob().length / 2);
  }

  @Test
  void aBlobLongerThanItsDescriptorIsNamedOnceNotWrappedAsADecompressionError() throws IOException {
    Layer layer = Layer.of(tar(), Compression.NONE);
    byte[] longer = Arrays.copyOf(layer.blob(), layer.blob().length + 100_000);
    assertSquashFails(write(layer.withBlob(longer, false)), SMALL, layer)
        .hasMessageStartingWith("read blob of layer 0 (")
        .hasMessageEndingWith(": more than the " + layer.size() + " bytes its descriptor declares");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Compression.class)
  void aBlobWhoseContentDoesNotMatchItsDigestIsRefused(Compression compression) throws IOException {
    Layer real = Layer.of(tar(), compression);
    String claimed = OciLayoutBuilder.sha256("something else".getBytes(StandardCharsets.UTF_8));
    Layer lying = new Layer(real.blob(), claimed, real.mediaType(), claimed, real.size(), real.diffId());
    assertSquashFails(write(lying), SMALL, lying)
        .hasMessageStartingWith("verify blob of layer 0 (" + claimed + ")")
        .hasMessageEndingWith(": digest mismatch: expected " + claimed + ", got " + real.digest());
  }

  @Test
  void anUnknownLayerMediaTypeIsRefusedWhenTheImageIsOpened() {
    Layer layer = Layer.of(tar(), Compression.GZIP).withMediaType("application/vnd.example.layer.v1+squashfs");
    Path layout = write(layer);
    assertThatThrownBy(() -> open(layout, SMALL)).isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("read layer 0 (" + layer.digest() + ") of oci-dir:" + layout + "@sha256:")
        .hasMessageEndingWith(": unknown layer media type 'application/vnd.example.layer.v1+squashfs'");
  }

  @Test
  void aMissingLayerBlobIsNamedWithItsPath() throws IOException {
    Layer layer = Layer.of(tar(), Compression.GZIP);
    Path layout = write(layer);
    Files.delete(layout.resolve("blobs/sha256").resolve(layer.digest().substring("sha256:".length())));
    try (Image image = open(layout, SMALL)) {
      assertThatThrownBy(() -> squash(image)).isInstanceOf(ImageReadException.class)
          .hasMessage("read blob " + layer.digest() + " of oci-dir:" + layout + ": missing (no blobs/sha256/" + layer.digest().substring(7) + ")");
    }
  }

  @Test
  void aMalformedIndexJsonIsRefusedWithWhereTheParserStopped() throws IOException {
    Path layout = write(Layer.of(tar(), Compression.GZIP));
    Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\": 2, \"manifests\": [");
    assertThatThrownBy(() -> open(layout, SMALL)).isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("parse index.json of oci-dir:" + layout + ": malformed JSON (")
        .hasMessageContaining("end-of-input")
        .hasMessageContaining("at line 1, column ");
  }

  /** A gzip layer of {@code n} one-byte files. */
  private static Layer files(int n, String prefix) {
    LayerBuilder b = new LayerBuilder();
    for (int i = 0; i < n; i++) {
      b.file(prefix + i, "x");
    }
    return Layer.of(b.build(), Compression.GZIP);
  }

  /** {@link #files} with the end of its gzip stream cut off, under a descriptor of what is left: its files read, then it fails. */
  private static Layer damaged(int n, String prefix) {
    Layer whole = files(n, prefix);
    return whole.withBlob(Arrays.copyOf(whole.blob(), whole.blob().length - 4), true);
  }

  /** Reading {@code image} with a limit of 10 entries fails, ten times over, at {@code layer}, its layer {@code index}. */
  private static void assertOverTenAt(Image image, int index, Layer layer) {
    for (int round = 0; round < 10; round++) {
      assertThatThrownBy(() -> FileTree.read(image, new LayerScanner(null, 10))).isInstanceOf(ImageReadException.class)
          .hasMessage("read layer " + index + " (" + layer.digest() + ") of " + image.name() + ": more than 10 entries in the image");
    }
  }

  /** Layers read side by side fail at the layer, and with the message, of a read in order, however the reads interleave. */
  @ParameterizedTest(name = "entries per layer {0}, over at layer {1}")
  @org.junit.jupiter.params.provider.CsvSource({"'6,5,1', 1", "'12,3', 0", "'3,12', 1", "'2,2,2,2,2,2', 5", "'1,30,1,1', 1"})
  void theEntryLimitStopsAtTheLayerAReadInOrderStopsAt(String entries, int overAt) throws IOException {
    int[] counts = Arrays.stream(entries.split(",")).mapToInt(Integer::parseInt).toArray();
    Layer[] layers = new Layer[counts.length];
    for (int i = 0; i < counts.length; i++) {
      layers[i] = files(counts[i], "l" + i + "-");
    }
    try (Image image = open(write(layers), SMALL)) {
      assertOverTenAt(image, overAt, layers[overAt]);
    }
  }

  @Test
  void anEarlierLayerOverTheEntryLimitFailsBeforeALaterLayerThatIsDamaged() throws IOException {
    Layer over = files(12, "a");
    try (Image image = open(write(over, damaged(2, "b")), SMALL)) {
      assertOverTenAt(image, 0, over);
    }
  }

  @Test
  void aLayerThatAReadInOrderStopsAtTheLimitFailsSoEvenWhenItIsDamagedFurtherOn() throws IOException {
    // layer 1 goes over the limit at its third entry, long before its damaged end
    Layer truncated = damaged(5, "b");
    try (Image image = open(write(files(8, "a"), truncated), SMALL)) {
      assertOverTenAt(image, 1, truncated);
    }
  }

  @Test
  void tooManyEntriesStopTheSquashAndTheExport() throws IOException {
    LayerBuilder many = new LayerBuilder();
    for (int i = 0; i < 20; i++) {
      many.file("f" + i, "x");
    }
    Layer layer = Layer.of(many.build(), Compression.GZIP);
    Path layout = write(layer);
    try (Image image = open(layout, SMALL)) {
      String where = "layer 0 (" + layer.digest() + ") of " + image.name();
      assertThatThrownBy(() -> FileTree.read(image, new LayerScanner(null, 10))).isInstanceOf(ImageReadException.class)
          .hasMessage("read " + where + ": more than 10 entries in the image");
      assertThatThrownBy(() -> Exporter.export(image, tmp.resolve("out"), ProgressListener.NONE, 10)).isInstanceOf(ImageReadException.class)
          .hasMessage("read " + where + ": more than 10 entries in the image");
      assertThat(tmp.resolve("out")).doesNotExist();
    }
  }

  @Test
  void anImageLargerThanTheSizeLimitIsRefused() throws IOException {
    Layer layer = Layer.of(new LayerBuilder().file("big", new byte[200_000], 0644).build(), Compression.NONE);
    Path layout = write(layer);
    try (Image image = open(layout, SMALL.withMaxImageBytes(100_000))) {
      assertThatThrownBy(() -> squash(image)).isInstanceOf(ImageReadException.class)
          .hasMessage("read " + image.name() + ": uncompressed size exceeds the limit of 100000 bytes (--max-image-size)");
    }
  }

  @Test
  void aConfigLargerThanTheMetadataLimitIsRefused() {
    Path layout = tmp.resolve("big-config");
    new OciLayoutBuilder().config("\"Labels\":{\"padding\":\"" + "x".repeat(5000) + "\"}").layer(new LayerBuilder().file("a", "a")).write(layout);
    Limits limits = new Limits(64L << 20, 1_000, 100, 1L << 20, 2000);
    assertThatThrownBy(() -> open(layout, limits)).isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("read config sha256:")
        .hasMessageContaining(" of oci-dir:" + layout + ": ")
        .hasMessageEndingWith(" bytes is more than the limit of 2000");
  }

  @Test
  void aDecompressionBombIsRefusedByItsRatio() throws IOException {
    Layer bomb = Layer.of(new LayerBuilder().file("zeros", new byte[16 << 20], 0644).build(), Compression.GZIP);
    assertThat(bomb.size()).as("the bomb is small").isLessThan(100_000);
    assertSquashFails(write(bomb), SMALL, bomb)
        .hasMessageStartingWith("decompress layer 0 (")
        .hasMessageEndingWith(": compression ratio above 100:1 (a decompression bomb?)");
  }
}
