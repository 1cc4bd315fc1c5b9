package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Images;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.fuzz.LayoutModel;
import dev.portcullis.oci.fuzz.LayoutModel.Layer;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting images whose layers no well-behaved tool would write. */
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
}
