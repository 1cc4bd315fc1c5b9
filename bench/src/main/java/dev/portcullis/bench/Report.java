package dev.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Turns the raw samples of {@code bench/run} into Markdown: one line per measurement with the
 * medians of both sides, the median of the per-run ratios (each run timed both sides back to
 * back, so a ratio compares like with like on a noisy machine) and whether the goal is met; then
 * one line per command with its spread.
 *
 * <p>Usage: {@code Report SAMPLES ROWS SIDES [FAILURES]}, all tab-separated, {@code #} comments:
 *
 * <ul>
 *   <li>SAMPLES: {@code side run seconds peak-rss-kB}, one line per timed run;
 *   <li>ROWS: {@code label ours baseline(-) time|rss goal}, goal {@code ratio<=X}, {@code <=X} or {@code -};
 *   <li>SIDES: {@code side command}, what each side ran;
 *   <li>FAILURES: {@code side message}, sides that could not run.
 * </ul>
 */
public final class Report {
  /** One timed run of one side; {@code cpuSeconds} (user and system) is NaN when not measured. */
  record Sample(String side, int run, double seconds, long peakRssKb, double cpuSeconds) {
    Sample(String side, int run, double seconds, long peakRssKb) {
      this(side, run, seconds, peakRssKb, Double.NaN);
    }

    double value(Goal.Metric metric) {
      return switch (metric) {
        case TIME -> seconds;
        case RSS -> peakRssKb / 1024.0;
        case CPU -> cpuSeconds;
      };
    }
  }

  /** One line of the summary: ours against a baseline (or alone), in one metric, with a goal. */
  record Row(String label, String ours, String baseline, Goal.Metric metric, Goal goal) {
    boolean hasBaseline() {
      return !baseline.equals("-");
    }
  }

  private final Map<String, List<Sample>> bySide = new LinkedHashMap<>();
  private final List<Row> rows;
  private final Map<String, String> sides;
  private final Map<String, String> failures;

  Report(List<Sample> samples, List<Row> rows, Map<String, String> sides, Map<String, String> failures) {
    for (Sample s : samples) {
      bySide.computeIfAbsent(s.side(), k -> new ArrayList<>()).add(s);
    }
    this.rows = List.copyOf(rows);
    this.sides = new LinkedHashMap<>(sides);
    this.failures = new LinkedHashMap<>(failures);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: Report SAMPLES ROWS SIDES [FAILURES]");
      System.exit(2);
    }
    List<Sample> samples = new ArrayList<>();
    for (String[] f : table(Path.of(args[0]), 4, 5)) {
      samples.add(new Sample(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
          f.length == 5 && !f[4].equals("-") ? Double.parseDouble(f[4]) : Double.NaN));
    }
    List<Row> rows = new ArrayList<>();
    for (String[] f : table(Path.of(args[1]), 5)) {
      rows.add(new Row(f[0], f[1], f[2], Goal.Metric.parse(f[3]), Goal.parse(f[4])));
    }
    Map<String, String> sides = new LinkedHashMap<>();
    for (String[] f : table(Path.of(args[2]), 2)) {
      sides.put(f[0], f[1]);
    }
    Map<String, String> failures = new LinkedHashMap<>();
    if (args.length == 4 && Files.exists(Path.of(args[3]))) {
      for (String[] f : table(Path.of(args[3]), 2)) {
        failures.putIfAbsent(f[0], f[1]);
      }
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    new Report(samples, rows, sides, failures).print(out);
  }

  void print(PrintStream out) {
    out.println("| Measurement | Ours (median) | Baseline (median) | Ours / baseline | Goal | Met |");
    out.println("|---|---:|---:|---:|---|---|");
    for (Row r : rows) {
      OptionalDouble ours = median(values(r.ours(), r.metric()));
      OptionalDouble base = r.hasBaseline() ? median(values(r.baseline(), r.metric())) : OptionalDouble.empty();
      // beside an absolute goal the baseline is there for scale, and a ratio would suggest a comparison
      OptionalDouble ratio = r.hasBaseline() && !(r.goal() instanceof Goal.AtMost) ? pairedRatio(r.ours(), r.baseline(), r.metric()) : OptionalDouble.empty();
      String verdict = switch (r.goal().judge(ours, ratio)) {
        case MET -> "yes";
        case MISSED -> "**no**";
        case UNKNOWN -> r.goal() instanceof Goal.None ? "" : "n/a" + reason(r);
      };
      String ratioText = ratio.isEmpty() ? "" : r.goal() instanceof Goal.RatioAtMost g && g.max() < 0.5
          ? number(ratio.getAsDouble() * 100) + " %"
          : number(ratio.getAsDouble()) + "×";
      out.println("| " + r.label() + " | " + figure(ours, r.metric()) + " | " + (r.hasBaseline() ? figure(base, r.metric()) : "")
          + " | " + ratioText + " | " + r.goal().describe(r.metric()) + " | " + verdict + " |");
    }
    out.println();
    out.println("| Command | Runs | Median s | Min s | Max s | Median peak RSS |");
    out.println("|---|---:|---:|---:|---:|---:|");
    Map<String, String> shown = new LinkedHashMap<>(sides);
    bySide.keySet().forEach(s -> shown.putIfAbsent(s, s));
    shown.forEach((side, command) -> {
      List<Double> t = values(side, Goal.Metric.TIME);
      if (t.isEmpty()) {
        String why = failures.get(side);
        out.println("| `" + command + "` | 0 | n/a | | | " + (why == null ? "" : escape(why)) + " |");
        return;
      }
      out.println("| `" + command + "` | " + t.size() + " | " + number(median(t).getAsDouble()) + " | "
          + number(t.stream().mapToDouble(d -> d).min().getAsDouble()) + " | " + number(t.stream().mapToDouble(d -> d).max().getAsDouble())
          + " | " + figure(median(values(side, Goal.Metric.RSS)), Goal.Metric.RSS) + " |");
    });
  }

  private String reason(Row r) {
    String why = failures.getOrDefault(r.ours(), r.hasBaseline() ? failures.get(r.baseline()) : null);
    return why == null ? "" : ": " + escape(why);
  }

  private List<Double> values(String side, Goal.Metric metric) {
    return bySide.getOrDefault(side, List.of()).stream().map(s -> s.value(metric)).filter(v -> !Double.isNaN(v)).toList();
  }

  /** The median over runs of ours/baseline, taking only runs in which both sides were timed. */
  OptionalDouble pairedRatio(String ours, String baseline, Goal.Metric metric) {
    Map<Integer, Double> base = new TreeMap<>();
    for (Sample s : bySide.getOrDefault(baseline, List.of())) {
      base.put(s.run(), s.value(metric));
    }
    List<Double> ratios = new ArrayList<>();
    for (Sample s : bySide.getOrDefault(ours, List.of())) {
      Double b = base.get(s.run());
      if (b != null && b > 0 && !Double.isNaN(s.value(metric))) {
        ratios.add(s.value(metric) / b);
      }
    }
    return median(ratios);
  }

  static OptionalDouble median(List<Double> values) {
    if (values.isEmpty()) {
      return OptionalDouble.empty();
    }
    double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
    int mid = v.length / 2;
    return OptionalDouble.of(v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2);
  }

  private static String figure(OptionalDouble value, Goal.Metric metric) {
    return value.isEmpty() ? "n/a" : number(value.getAsDouble()) + " " + metric.unit();
  }

  /** Three significant figures or so, never in exponent form. */
  static String number(double x) {
    double a = Math.abs(x);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, f, x);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }

  private static List<String[]> table(Path file, int columns) throws IOException {
    return table(file, columns, columns);
  }

  /** The lines of {@code file} split at tabs into {@code min} to {@code max} fields. */
  private static List<String[]> table(Path file, int min, int max) throws IOException {
    List<String[]> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", max);
      if (f.length < min) {
        throw new IllegalArgumentException(file + ":" + n + ": expected " + (min == max ? "" : "at least ") + min + " tab-separated fields, got " + f.length);
      }
      out.add(f);
    }
    return out;
  }
}
