package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Images;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterTest {
  @TempDir Path tmp;

  private Path export(OciLayoutBuilder b) throws IOException {
    Path layout = tmp.resolve("layout");
    b.write(layout);
    Path target = tmp.resolve("rootfs");
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      Exporter.export(image, target, ProgressListener.NONE);
    }
    return target;
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  void theRootIsOpenToEveryoneWhenNoLayerSaysOtherwise() throws IOException {
    Path root = export(new OciLayoutBuilder().layer(new LayerBuilder().dir("etc").file("etc/hostname", "box")));
    assertThat(mode(root)).isEqualTo(0755);
  }

  @Test
  void theRootTakesTheModeOfALayersDotEntry() throws IOException {
    Path root = export(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("./", 0755).dir("etc"))
        .layer(new LayerBuilder().dir("./", 0750).file("etc/hostname", "box")));
    assertThat(mode(root)).isEqualTo(0750);
    assertThat(root.resolve("etc/hostname")).hasContent("box");
  }
}
