package dev.portcullis.bench;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.oci.tree.LayerScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What cataloguing adds to reading and squashing an image, inside one JVM so that start-up, which
 * both pay alike, is left out: {@code FileTree.read} against {@code Catalog.read} (index and
 * captures in one pass, then every cataloger), both without a layer cache, alternated.
 * Usage: {@code CatalogCost SOURCE RUNS TEMP_DIR}. Prints one Markdown row.
 */
public final class CatalogCost {
  private CatalogCost() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: CatalogCost SOURCE RUNS TEMP_DIR");
      System.exit(2);
    }
    ImageSource source = ImageSource.parse(args[0]);
    int runs = Integer.parseInt(args[1]);
    Path temp = Path.of(args[2]);
    List<Double> squash = new ArrayList<>();
    List<Double> catalog = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    LayerCache cache = new LayerCache(temp.resolve("catalog-cost-cache"));
    int packages = 0;
    try (Image image = Images.open(source, ReadOptions.defaults())) {
      for (int r = 0; r <= runs; r++) {
        long t0 = System.nanoTime();
        FileTree tree = FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
        long t1 = System.nanoTime();
        Catalog c = Catalog.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()), Catalogers.all(), temp);
        long t2 = System.nanoTime();
        cache.clean();
        Catalog.read(image, new LayerScanner(cache, Limits.DEFAULT.maxEntries()), Catalogers.all(), temp);
        long t3 = System.nanoTime();
        Catalog again = Catalog.read(image, new LayerScanner(cache, Limits.DEFAULT.maxEntries()), Catalogers.all(), temp);
        long t4 = System.nanoTime();
        if (!again.equals(c)) {
          throw new IllegalStateException("the warm catalog of " + args[0] + " differs from the cold one");
        }
        if (tree.size() == 0 || c.packages().isEmpty()) {
          throw new IllegalStateException("nothing read from " + args[0]);
        }
        packages = c.packages().size();
        if (r > 0) { // the first round warms the JIT
          squash.add((t1 - t0) / 1e9);
          catalog.add((t2 - t1) / 1e9);
          ratios.add((double) (t2 - t1) / (t1 - t0));
          warm.add((t4 - t3) / 1e9);
        }
      }
    }
    cache.clean();
    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3f s | %.3f s | %.2f× | %.3f s |%n", args[0].replaceAll(".*/", ""), packages, runs,
        Report.median(squash).getAsDouble(), Report.median(catalog).getAsDouble(), Report.median(ratios).getAsDouble(),
        Report.median(warm).getAsDouble());
  }
}
