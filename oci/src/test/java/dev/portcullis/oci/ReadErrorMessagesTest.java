package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.fuzz.LayoutModel;
import dev.portcullis.oci.fuzz.LayoutModel.Layer;
import dev.portcullis.oci.tree.Exporter;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
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
        .hasMessageEndingWith(": size mismatch: expected " + whole.size() + " bytes, got " + whole.blob().length / 2);
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
}
