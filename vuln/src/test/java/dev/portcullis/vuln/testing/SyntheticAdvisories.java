package dev.portcullis.vuln.testing;

import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip of synthetic OSV records shaped like osv.dev's (ids, CVE aliases, a CVSS vector,
 * one to three affected packages with ECOSYSTEM ranges, references, a paragraph of details) across
 * npm, PyPI, Maven, Go, Debian:12 and Alpine:v3.20, from a seed. For the import benchmark; tests
 * use it only at small sizes.
 *
 * <p>{@code main(count, zip, db)}: generates, imports, and prints the import rate and the size per 100,000 advisories.
 */
public final class SyntheticAdvisories {
  private static final String[] ECOSYSTEMS = {"npm", "PyPI", "Maven", "Go", "Debian:12", "Alpine:v3.20"};

  private SyntheticAdvisories() {}

  /** Writes {@code count} records into {@code zip}; packages are drawn from a pool of {@code count / 10 + 1} names per ecosystem. */
  public static void write(Path zip, int count, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    int pool = count / 10 + 1;
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(new java.io.BufferedOutputStream(file, 1 << 16))) {
      z.setLevel(1);
      for (int i = 0; i < count; i++) {
        String id = "SYN-" + (2000 + i % 25) + "-" + i;
        StringBuilder affected = new StringBuilder();
        int packages = 1 + random.nextInt(3);
        for (int p = 0; p < packages; p++) {
          String eco = ECOSYSTEMS[random.nextInt(ECOSYSTEMS.length)];
          String name = packageName(eco, random.nextInt(pool));
          int major = random.nextInt(10);
          int minor = random.nextInt(20);
          if (p > 0) {
            affected.append(',');
          }
          affected.append("""
              {"package": {"ecosystem": "%s", "name": "%s"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "%d.0.0"}, {"fixed": "%d.%d.%d"}]}],
               "database_specific": {"source": "https://example.org/%s.json"}}""".formatted(eco, name, major, major, minor, random.nextInt(30), id));
        }
        String json = """
            {"schema_version": "1.6.0", "id": "%s", "modified": "2024-%02d-%02dT10:00:00Z", "published": "2023-01-01T00:00:00Z",
             "aliases": ["CVE-%d-%d"], "summary": "Synthetic issue %d in a widely used component",
             "details": "A crafted request lets a remote attacker read or change data they should not reach. Versions before the fixed one are affected; upgrade, or apply the vendor's workaround of disabling the affected feature.",
             "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:%s/PR:N/UI:N/S:U/C:H/I:%s/A:N"}],
             "affected": [%s],
             "references": [{"type": "ADVISORY", "url": "https://example.org/advisories/%s"}, {"type": "WEB", "url": "https://example.org/issues/%d"}]}
            """.formatted(id, 1 + random.nextInt(12), 1 + random.nextInt(28), 2000 + i % 25, i, i, random.nextBoolean() ? "L" : "H",
            random.nextBoolean() ? "H" : "N", affected, id, i);
        z.putNextEntry(new ZipEntry(id + ".json"));
        z.write(json.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
  }

  /** The {@code n}th package name of an ecosystem, in its own naming style. */
  public static String packageName(String ecosystem, int n) {
    return switch (ecosystem) {
      case "Maven" -> "org.example.g" + (n % 97) + ":artifact-" + n;
      case "Go" -> "github.com/example" + (n % 97) + "/module" + n;
      case "PyPI" -> "package-" + n;
      default -> "pkg" + n;
    };
  }

  public static void main(String[] args) throws IOException {
    int count = Integer.parseInt(args[0]);
    Path zip = Path.of(args[1]);
    Path db = Path.of(args[2]);
    long t0 = System.nanoTime();
    write(zip, count, 42);
    long t1 = System.nanoTime();
    ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(db, List.of(zip));
    long t2 = System.nanoTime();
    double seconds = (t2 - t1) / 1e9;
    System.out.printf("generated %d in %.1f s; imported %d in %.1f s = %.0f advisories/s; problems %d; db %d bytes = %.1f MB per 100,000%n",
        count, (t1 - t0) / 1e9, report.advisories(), seconds, report.advisories() / seconds, report.problems().size(), Files.size(db),
        Files.size(db) * 100_000.0 / count / 1e6);
  }
}
