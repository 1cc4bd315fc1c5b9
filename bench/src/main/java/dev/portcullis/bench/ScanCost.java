package dev.portcullis.bench;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.rules.image.ImageSubject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the rule-based scanners ({@code scan --scanners config,secret}) cost beside reading and
 * squashing an image, inside one JVM so that start-up is left out, and where it goes. Each round
 * times {@code FileTree.read} (read and squash), then the scan's own steps: {@code Contents.read}
 * (one pass over each layer for the tree and the texts the content checks want), the image config
 * and history checks with the assembly of the contents, and the content checks (secrets and debug
 * leftovers). No layer cache; the first round warms the JIT. Usage: {@code ScanCost SOURCE RUNS}.
 * Prints one Markdown row: the scan's steps together over read and squash.
 */
public final class ScanCost {
  private ScanCost() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ScanCost SOURCE RUNS");
      System.exit(2);
    }
    ImageSource source = ImageSource.parse(args[0]);
    int runs = Integer.parseInt(args[1]);
    List<Double> squash = new ArrayList<>();
    List<Double> config = new ArrayList<>();
    List<Double> reads = new ArrayList<>();
    List<Double> content = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    Engine engine = new Engine(Checks.all());
    int findings = -1;
    int texts = 0;
    long chars = 0;
    try (Image image = Images.open(source, ReadOptions.defaults())) {
      for (int r = 0; r <= runs; r++) {
        long t0 = System.nanoTime();
        FileTree tree = FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
        long t1 = System.nanoTime();
        Contents.ImageRead read = Contents.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()), Checks.contentInterest(), ReadLimits.DEFAULT);
        long t2 = System.nanoTime();
        ImageSubject subject = ImageSubject.of(image, read.tree());
        dev.portcullis.rules.Report report = engine.evaluate(subject);
        Contents contents = Contents.ofImage(subject, read);
        long t3 = System.nanoTime();
        report = report.plus(engine.evaluate(contents));
        long t4 = System.nanoTime();
        if (tree.size() != read.tree().size()) {
          throw new IllegalStateException("the trees differ: " + tree.size() + " and " + read.tree().size() + " files");
        }
        if (findings >= 0 && report.findings().size() != findings) {
          throw new IllegalStateException("round " + r + " found " + report.findings().size() + " findings, the first " + findings);
        }
        findings = report.findings().size();
        texts = contents.texts().size();
        chars = contents.texts().stream().mapToLong(t -> t.content().length()).sum();
        if (r > 0) { // the first round warms the JIT
          squash.add((t1 - t0) / 1e9);
          reads.add((t2 - t1) / 1e9);
          config.add((t3 - t2) / 1e9);
          content.add((t4 - t3) / 1e9);
          ratios.add((double) (t4 - t1) / (t1 - t0));
        }
      }
    }
    System.out.printf(Locale.ROOT, "| %s | %d | %d (%.1f MB) | %d | %.3f s | %.3f s | %.3f s | %.3f s | %.2f× |%n", args[0].replaceAll(".*/", ""),
        findings, texts, chars / 1e6, runs, median(squash), median(reads), median(config), median(content),
        median(ratios));
  }

  private static double median(List<Double> values) {
    return Report.median(values).getAsDouble();
  }
}
