package dev.portcullis.bench;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.core.Distro;
import dev.portcullis.testkit.SyntheticAdvisories;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseException;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportReport;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The vulnerability database inside one JVM: import rate and size per 100,000 synthetic
 * advisories, opening time, and matching 10,000 installed packages against 1,000,000 advisories.
 *
 * <p>Usage: {@code VulnDbBench prepare DIR} builds {@code DIR/synthetic-1000000.db} unless it is
 * there and opens; {@code VulnDbBench run DIR ROUNDS} measures and prints Markdown rows.
 */
public final class VulnDbBench {
  private static final int BIG = 1_000_000;
  private static final int IMPORTED = 100_000;
  private static final int PACKAGES = 10_000;
  private static final long SEED = 42;

  private VulnDbBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || !(args[0].equals("prepare") && args.length == 2 || args[0].matches("run|match") && args.length == 3)) {
      System.err.println("usage: VulnDbBench prepare DIR | VulnDbBench run DIR ROUNDS | VulnDbBench match DIR ROUNDS");
      System.exit(2);
    }
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    if (args[0].equals("prepare")) {
      prepare(dir);
    } else if (args[0].equals("match")) {
      // matching alone, for profiling
      printMatch(match(bigDb(dir), Integer.parseInt(args[2])));
    } else {
      run(dir, Integer.parseInt(args[2]));
    }
  }

  static Path bigDb(Path dir) {
    return dir.resolve("synthetic-" + BIG + ".db");
  }

  private static void prepare(Path dir) throws IOException {
    Path db = bigDb(dir);
    if (Files.exists(db)) {
      try (Database d = Database.open(db)) {
        if (d.status().advisories() == BIG) {
          return;
        }
      } catch (DatabaseException e) {
        System.err.println("bench: rebuilding " + db + ": " + e.getMessage());
      }
    }
    System.err.println("bench: generating and importing " + BIG + " synthetic advisories into " + db + " (a few minutes)");
    Path zip = Files.createTempFile(dir, "synthetic-", ".zip");
    try {
      SyntheticAdvisories.write(zip, BIG, SEED);
      long t0 = System.nanoTime();
      ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(db, List.of(zip));
      double s = (System.nanoTime() - t0) / 1e9;
      System.err.printf(Locale.ROOT, "bench: imported %d in %.1f s (%.0f/s), %d problems, %.1f MB%n", report.advisories(), s,
          report.advisories() / s, report.problems().size(), Files.size(db) / 1e6);
    } finally {
      Files.deleteIfExists(zip);
    }
  }

  private static void run(Path dir, int rounds) throws IOException {
    Path db = bigDb(dir);
    // the driver's first connection in a JVM loads its native library: start-up, paid once, apart from opening
    long t0 = System.nanoTime();
    try {
      java.sql.DriverManager.getConnection("jdbc:sqlite::memory:").close();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("the SQLite driver does not load", e);
    }
    double driver = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Database.open(db).close();
    double firstOpen = (System.nanoTime() - t0) / 1e9;
    List<Double> opens = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long t = System.nanoTime();
      Database.open(db).close();
      opens.add((System.nanoTime() - t) / 1e9);
    }

    // import: a fresh 100,000-record zip, imported ROUNDS times (at most 3: each takes seconds)
    Path zip = Files.createTempFile(dir, "synthetic-", ".zip");
    Path small = dir.resolve("synthetic-" + IMPORTED + ".db");
    List<Double> rates = new ArrayList<>();
    long smallBytes;
    try {
      SyntheticAdvisories.write(zip, IMPORTED, SEED);
      for (int r = 0; r < Math.min(3, rounds); r++) {
        long t = System.nanoTime();
        ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(small, List.of(zip));
        rates.add(report.advisories() / ((System.nanoTime() - t) / 1e9));
        if (report.advisories() != IMPORTED || !report.problems().isEmpty()) {
          throw new IllegalStateException("the synthetic import went wrong: " + report);
        }
      }
      smallBytes = Files.size(small);
    } finally {
      Files.deleteIfExists(zip);
      Files.deleteIfExists(small);
    }

    Matching matching = match(db, rounds);
    long bigBytes = Files.size(db);
    System.out.println("| Measurement | Figure | Goal | Met |");
    System.out.println("|---|---:|---|---|");
    System.out.printf(Locale.ROOT, "| Import, %,d synthetic advisories (median of %d) | %,.0f advisories/s | (reported) | |%n", IMPORTED, rates.size(),
        Report.median(rates).getAsDouble());
    System.out.printf(Locale.ROOT, "| Size per 100,000 advisories, %,d-advisory database | %.1f MB | (reported) | |%n", IMPORTED, smallBytes / 1e6);
    System.out.printf(Locale.ROOT, "| Size per 100,000 advisories, %,d-advisory database (%.0f MB whole) | %.1f MB | (reported) | |%n", BIG,
        bigBytes / 1e6, bigBytes * (100_000.0 / BIG) / 1e6);
    System.out.printf(Locale.ROOT, "| JVM start-up share: the SQLite driver's first connection (loads its native library) | %.0f ms | | |%n", driver * 1e3);
    System.out.printf(Locale.ROOT, "| Open the %,d-advisory database, first in the JVM | %.0f ms | ≤ 100 ms | %s |%n",
        BIG, firstOpen * 1e3, firstOpen <= 0.1 ? "yes" : "**no**");
    double warmOpen = Report.median(opens).getAsDouble();
    System.out.printf(Locale.ROOT, "| Open the %,d-advisory database, again (median of %d) | %.1f ms | ≤ 100 ms | %s |%n", BIG, opens.size(),
        warmOpen * 1e3, warmOpen <= 0.1 ? "yes" : "**no**");
    printMatch(matching);
  }

  private record Matching(double first, List<Double> rounds, int findings) {}

  /** Matching: one catalog of 10,000 packages, a fresh matcher per round, round 0 (the JIT still cold) kept apart. */
  private static Matching match(Path db, int rounds) throws DatabaseException {
    List<SyntheticAdvisories.Installed> installed = SyntheticAdvisories.installed(PACKAGES, BIG, SEED + 1);
    Catalog catalog = new Catalog(Optional.of(new Distro("debian", "12", "Debian GNU/Linux 12 (bookworm)", List.of())),
        installed.stream().map(SyntheticAdvisories.Installed::pkg).sorted().toList(), List.of());
    List<Double> times = new ArrayList<>();
    double first = 0;
    int findings = 0;
    try (Database d = Database.open(db)) {
      for (int r = 0; r <= rounds; r++) {
        long t = System.nanoTime();
        VulnerabilityMatcher.Result result = new VulnerabilityMatcher(d).match(catalog, i -> Optional.empty());
        double s = (System.nanoTime() - t) / 1e9;
        if (r == 0) {
          first = s;
          findings = result.findings().size();
        } else {
          times.add(s);
          if (result.findings().size() != findings) {
            throw new IllegalStateException("round " + r + " found " + result.findings().size() + ", the first " + findings);
          }
        }
      }
    }
    return new Matching(first, times, findings);
  }

  private static void printMatch(Matching m) {
    System.out.printf(Locale.ROOT, "| Match %,d packages against %,d advisories, first round (JIT cold) | %.3f s | | |%n", PACKAGES, BIG, m.first());
    double median = Report.median(m.rounds()).getAsDouble();
    System.out.printf(Locale.ROOT, "| Match %,d packages against %,d advisories (median of %d rounds; %,d findings) | %.3f s | ≤ 1 s | %s |%n", PACKAGES,
        BIG, m.rounds().size(), m.findings(), median, median <= 1 ? "yes" : "**no**");
  }
}
