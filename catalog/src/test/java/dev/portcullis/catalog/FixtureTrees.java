package dev.portcullis.catalog;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
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

/** One-layer images of file trees (test resources or any directory), for cataloger tests. */
public final class FixtureTrees {
  private FixtureTrees() {}

  /** The test resource directory {@code name} (as {@code /dev/portcullis/catalog/npm/installed}). */
  public static Path resource(String name) {
    URL url = FixtureTrees.class.getResource(name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Every regular file under {@code root}, at the same relative path under {@code prefix} (no leading slash), in sorted order. */
  public static LayerBuilder layerOf(Path root, String prefix) throws IOException {
    LayerBuilder layer = new LayerBuilder();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      String rel = root.relativize(f).toString().replace('\\', '/');
      layer.file(prefix.isEmpty() ? rel : prefix + "/" + rel, Files.readAllBytes(f), 0644);
    }
    return layer;
  }

  public static CatalogResult catalog(Cataloger cataloger, LayerBuilder layer, Path tmp) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "layout");
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1_000_000));
      return cataloger.catalog(tree, new CatalogContext(null, tmp, 16L << 20));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  public static CatalogResult catalog(Cataloger cataloger, String resourceDir, Path tmp) throws IOException {
    return catalog(cataloger, layerOf(resource(resourceDir), ""), tmp);
  }

  /** A layer holding every file below the resource directory {@code resource} beside {@code near}, paths relative to it. */
  public static LayerBuilder layerOf(Class<?> near, String resource) {
    URL url = near.getResource(resource);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + resource + " beside " + near.getName());
    }
    try {
      return layerOf(Path.of(url.toURI()), "");
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
      return use.apply(FileTree.read(image, new LayerScanner(null, 1_000_000)));
    }
  }

  /** What a test does with a tree while its image is open. */
  @FunctionalInterface
  public interface TreeUse<T> {
    T apply(FileTree tree) throws IOException;
  }
}
