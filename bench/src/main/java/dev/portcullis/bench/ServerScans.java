package dev.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.scan.Assessment;
import dev.portcullis.scan.AssessmentWriter;
import dev.portcullis.scan.ScanOptions;
import dev.portcullis.scan.Scanner;
import dev.portcullis.vuln.db.Database;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a server scanning on push would see: 20 images on one shared base, each with a small layer
 * of its own, scanned one after the other through ONE {@link Scanner} (every scanner, the OSV
 * database of the corpus, a layer cache emptied at the start), inside one JVM. Each assessment is
 * written as JSON, as a server would answer, into a sink.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@code ServerScans scan LAYOUT DB CACHE_DIR OUT RUN}: scans {@code oci-dir:LAYOUT:app-01}
 *       to {@code app-20} and appends one tab-separated line to OUT: the round, the images, the
 *       seconds from the first scan's start to the last one's end (the JVM's start-up, opening the
 *       database and building the scanner left out), the first scan's seconds (cold base), the
 *       median of the others, the phases summed over all 20 ({@link Assessment.Timings}: layer
 *       pass, catalog, match, checks), and the first image's packages, vulnerabilities and rule
 *       findings, then the first scan's phases.
 *   <li>{@code ServerScans table OUT SAMPLES PROCESSES_SIDE}: the Markdown table of those lines
 *       beside the whole-process side of {@code bench/run}'s samples (20 {@code portcullis scan}
 *       processes): scans per minute each way and the median of the per-round rate ratios.
 * </ul>
 */
public final class ServerScans {
  static final int IMAGES = 20;
  static final double GOAL = 10;

  private ServerScans() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 6 && args[0].equals("scan")) {
      scan(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]));
    } else if (args.length == 4 && args[0].equals("table")) {
      table(Path.of(args[1]), Path.of(args[2]), args[3]);
    } else {
      System.err.println("usage: ServerScans scan LAYOUT DB CACHE_DIR OUT RUN | ServerScans table OUT SAMPLES PROCESSES_SIDE");
      System.exit(2);
    }
  }

  private static void scan(Path layout, Path db, Path cacheDir, Path out, int run) throws IOException {
    LayerCache cache = new LayerCache(cacheDir);
    cache.clean();
    ObjectMapper json = new ObjectMapper();
    List<Double> seconds = new ArrayList<>();
    Duration layers = Duration.ZERO;
    Duration catalog = Duration.ZERO;
    Duration match = Duration.ZERO;
    Duration checks = Duration.ZERO;
    String first = "";
    Assessment.Timings firstPhases = Assessment.Timings.NONE;
    try (Database database = Database.open(db)) {
      Scanner scanner = new Scanner(ScanOptions.all(database).withCache(cache));
      long start = System.nanoTime();
      for (int i = 1; i <= IMAGES; i++) {
        long t0 = System.nanoTime();
        Assessment a = scanner.scan(ImageSource.parse(String.format(Locale.ROOT, "oci-dir:%s:app-%02d", layout, i)));
        json.writeValue(OutputStream.nullOutputStream(), AssessmentWriter.json(a));
        seconds.add((System.nanoTime() - t0) / 1e9);
        int packages = a.catalog().orElseThrow().packages().size();
        if (packages == 0 || a.vulnerabilities().isEmpty() || a.checks().isEmpty()) {
          throw new IllegalStateException("app-" + i + ": the scan found no package, or a scanner did not run");
        }
        layers = layers.plus(a.timings().layers());
        catalog = catalog.plus(a.timings().catalog());
        match = match.plus(a.timings().match());
        checks = checks.plus(a.timings().checks());
        if (i == 1) {
          firstPhases = a.timings();
          first = packages + "\t" + a.vulnerabilities().get().findings().size() + "\t" + a.checks().get().findings().size();
        }
      }
      double inside = (System.nanoTime() - start) / 1e9;
      String line = String.format(Locale.ROOT, "%d\t%d\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%s\t%.6f\t%.6f\t%.6f\t%.6f%n", run, IMAGES, inside,
          seconds.get(0), Report.median(seconds.subList(1, seconds.size())).getAsDouble(), s(layers), s(catalog), s(match), s(checks), first,
          s(firstPhases.layers()), s(firstPhases.catalog()), s(firstPhases.match()), s(firstPhases.checks()));
      Files.writeString(out, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static double s(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static void table(Path out, Path samples, String processesSide) throws IOException {
    Map<Integer, String[]> rounds = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length == 16 && Integer.parseInt(f[0]) > 0) {
        rounds.put(Integer.parseInt(f[0]), f);
      }
    }
    Map<Integer, Double> processes = new LinkedHashMap<>();
    for (String line : Files.readAllLines(samples, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      if (f.length >= 3 && f[0].equals(processesSide)) {
        processes.put(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
      }
    }
    List<Double> jvmRate = new ArrayList<>();
    List<Double> procRate = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<List<Double>> columns = new ArrayList<>();
    for (int c = 0; c < 11; c++) {
      columns.add(new ArrayList<>());
    }
    String first = "";
    for (var e : rounds.entrySet()) {
      String[] f = e.getValue();
      double rate = 60 * IMAGES / Double.parseDouble(f[2]);
      jvmRate.add(rate);
      for (int c = 0; c < 7; c++) {
        columns.get(c).add(Double.parseDouble(f[2 + c]));
      }
      for (int c = 0; c < 4; c++) {
        columns.get(7 + c).add(Double.parseDouble(f[12 + c]));
      }
      first = f[9] + " packages, " + f[10] + " vulnerabilities, " + f[11] + " rule findings";
      Double p = processes.get(e.getKey());
      if (p != null) {
        double r = 60 * IMAGES / p;
        procRate.add(r);
        ratios.add(rate / r);
      }
    }
    System.out.println("| 20 images on one base (" + first + " in the first) | Rounds | One `Scanner`, one JVM (median) | 20 `scan` processes (median) | Rate ratio (median of rounds) | Goal | Met |");
    System.out.println("|---|---:|---:|---:|---:|---|---|");
    var ratio = Report.median(ratios);
    System.out.printf(Locale.ROOT, "| Scans per minute, cold layer cache at the start | %d | %s | %s | %s | ≥ %s× | %s |%n", rounds.size(),
        rate(Report.median(jvmRate)), rate(Report.median(procRate)), ratio.isEmpty() ? "n/a" : Report.number(ratio.getAsDouble()) + "×",
        Report.number(GOAL), ratio.isEmpty() ? "n/a" : ratio.getAsDouble() >= GOAL ? "yes" : "**no**");
    System.out.println();
    System.out.println("| Inside the JVM, medians of rounds | 20 scans | First scan (cold base) | Each later scan | Layer pass (sum of 20) | Catalog (sum) | Match (sum) | Checks (sum) "
        + "| First scan: layer pass | catalog | match | checks |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    StringBuilder row = new StringBuilder("| ServerScans |");
    for (List<Double> c : columns) {
      row.append(' ').append(Report.number(Report.median(c).orElse(Double.NaN))).append(" s |");
    }
    System.out.println(row);
  }

  private static String rate(java.util.OptionalDouble r) {
    return r.isEmpty() ? "n/a" : Report.number(r.getAsDouble()) + "/min";
  }
}
