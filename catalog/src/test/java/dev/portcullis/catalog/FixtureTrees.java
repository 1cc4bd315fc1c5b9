package dev.portcullis.catalog;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Images;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** One-layer images of file trees kept under {@code src/test/resources}, for cataloger tests. */
public final class FixtureTrees {
  private FixtureTrees() {}

  /** A layer holding every file below the resource directory {@code resource}, paths relative to it. */
  public static LayerBuilder layerOf(Class<?> near, String resource) {
    URL url = near.getResource(resource);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + resource + " beside " + near.getName());
    }
    try {
      Path root = Path.of(url.toURI());
      LayerBuilder layer = new LayerBuilder();
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        layer.file(root.relativize(f).toString(), Files.readAllBytes(f), 0644);
      }
      return layer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a layout of {@code layers} (first is the base) and passes its tree to {@code use}. */
  public static <T> T withTree(Path dir, List<LayerBuilder> layers, TreeUse<T> use) throws IOException {
    OciLayoutBuilder b = new OciLayoutBuilder();
    layers.forEach(b::layer);
    b.write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      return use.apply(FileTree.read(image, new LayerScanner(null, 1000)));
    }
  }

  /** What a test does with a tree while its image is open. */
  @FunctionalInterface
  public interface TreeUse<T> {
    T apply(FileTree tree) throws IOException;
  }
}
