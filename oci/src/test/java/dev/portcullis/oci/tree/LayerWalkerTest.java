package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWalkerTest {
  private static final int BLOCK = 512;

  @TempDir Path tmp;

  private FileTree tree(byte[] layer) throws IOException {
    Path dir = tmp.resolve("layout-" + System.nanoTime());
    new OciLayoutBuilder().layer(layer, OciLayoutBuilder.Compression.GZIP, "umoci insert").write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      return FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
    }
  }

  /** umoci 0.4.7 {@code insert} ends its tars right after the last file's data: no padding, no end-of-archive blocks. */
  @Test
  void aTarEndingRightAfterTheLastFilesDataIsReadWhole() throws IOException {
    byte[] full = new LayerBuilder().dir("opt").file("opt/a", "x").build();
    byte[] cut = Arrays.copyOf(full, 2 * BLOCK + 1); // two headers, one byte of data
    FileTree t = tree(cut);
    assertThat(t.file("/opt/a")).isPresent();
    try (InputStream in = t.open(t.file("/opt/a").orElseThrow())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("x");
    }
    assertThat(t.warnings()).anyMatch(w -> w.contains("without padding"));
  }

  @Test
  void contentsOfSuchATarAreReadToo() throws IOException {
    byte[] full = new LayerBuilder().dir("opt").file("opt/a", "x").build();
    FileTree t = tree(Arrays.copyOf(full, 2 * BLOCK + 1));
    List<String> seen = new ArrayList<>();
    t.contents(List.of(t.file("/opt/a").orElseThrow()), (e, in) -> seen.add(e.path() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    assertThat(seen).containsExactly("/opt/a=x");
  }

  @Test
  void aTarCutInsideAFilesDataIsRefused() {
    byte[] full = new LayerBuilder().file("a", "0123456789".repeat(20)).build();
    byte[] cut = Arrays.copyOf(full, BLOCK + 100);
    assertThatThrownBy(() -> tree(cut)).isInstanceOf(ImageReadException.class).hasMessageContaining("read tar of layer 0");
  }
}
