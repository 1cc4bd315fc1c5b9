package dev.portcullis.bench;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.oci.tree.LayerScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cold scan (empty layer cache) against a warm re-scan (every layer cached) of the same image,
 * inside one JVM, so that start-up, which both pay alike, is left out: what the cache saves.
 * Usage: {@code Rescan SOURCE RUNS CACHE_DIR}. Prints one Markdown row per image.
 */
public final class Rescan {
  private Rescan() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: Rescan SOURCE RUNS CACHE_DIR");
      System.exit(2);
    }
    ImageSource source = ImageSource.parse(args[0]);
    int runs = Integer.parseInt(args[1]);
    Path cacheDir = Path.of(args[2]);
    List<Double> cold = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    try (Image image = Images.open(source, ReadOptions.defaults())) {
      for (int r = 0; r <= runs; r++) {
        LayerCache cache = new LayerCache(cacheDir);
        cache.clean();
        double c = seconds(image, cache);
        double w = seconds(image, cache);
        if (r > 0) { // the first round warms the JIT
          cold.add(c);
          warm.add(w);
          ratios.add(w / c);
        }
      }
    }
    Files.createDirectories(cacheDir);
    System.out.printf(Locale.ROOT, "| %s | %d | %.3f s | %.3f s | %.1f %% |%n", args[0].replaceAll(".*/", ""), runs, Report.median(cold).getAsDouble(), Report.median(warm).getAsDouble(), 100 * Report.median(ratios).getAsDouble());
  }

  private static double seconds(Image image, LayerCache cache) throws IOException {
    long start = System.nanoTime();
    FileTree tree = FileTree.read(image, new LayerScanner(cache, Limits.DEFAULT.maxEntries()));
    long end = System.nanoTime();
    if (tree.size() == 0) {
      throw new IllegalStateException("empty tree");
    }
    return (end - start) / 1e9;
  }
}
