package dev.portcullis.vuln.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.core.Distro;
import dev.portcullis.testkit.SyntheticAdvisories;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.db.ImportReport;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import dev.portcullis.vuln.report.VulnerabilityFinding;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale: a synthetic database across npm, PyPI, Maven, Go, Debian:12 and Alpine:v3.20 imports
 * whole, and 10,000 installed packages (Debian 12 and the four language ecosystems) match against
 * it with exactly the findings the generator's ranges call for, worked out without any version
 * scheme. Nothing here is timed; {@code bench/run --only vulndb} times the same work at 1,000,000.
 *
 * <p>250,000 advisories, not the 1,000,000 of the acceptance criterion: on the two shared cores this
 * runs on, generating and importing 1,000,000 takes about 100 s (38 s to write the zip, about 64 s
 * to import), too long for a test run every build. The time moves with the other builds' load:
 * 250,000 took 24 s (load 3), 300,000 took 63 s (load 6), 400,000 took 60 s inside a full
 * {@code verify}. 250,000 stays under a minute on a busy machine. The benchmark imports and matches
 * the full 1,000,000.
 */
class ScaleIT {
  private static final int ADVISORIES = 250_000;
  private static final int PACKAGES = 10_000;
  private static final long SEED = 20_240_301;

  @TempDir Path tmp;

  @Test
  void hundredsOfThousandsOfAdvisoriesImportAndTenThousandPackagesMatchExactlyTheRecordsCoveringThem() throws Exception {
    Path zip = tmp.resolve("all.zip");
    SyntheticAdvisories.write(zip, ADVISORIES, SEED);
    ImportReport report = new DatabaseImporter(ImportOptions.defaults()).importInto(tmp.resolve("db"), List.of(zip));
    assertThat(report.problems()).isEmpty();
    assertThat(report.advisories()).isEqualTo(ADVISORIES);

    List<SyntheticAdvisories.Installed> installed = SyntheticAdvisories.installed(PACKAGES, ADVISORIES, SEED + 1);
    Map<String, SyntheticAdvisories.Installed> byName = new HashMap<>();
    installed.forEach(i -> byName.put(i.ecosystem() + " " + i.name(), i));
    Map<String, Set<String>> expected = new TreeMap<>();
    int[] perEcosystem = new int[SyntheticAdvisories.ECOSYSTEMS.size()];
    SyntheticAdvisories.forEach(ADVISORIES, SEED, r -> {
      Set<String> ecosystems = new TreeSet<>();
      for (SyntheticAdvisories.Entry e : r.entries()) {
        ecosystems.add(e.ecosystem());
        SyntheticAdvisories.Installed i = byName.get(e.ecosystem() + " " + e.normalName());
        if (i != null && e.covers(i.version())) {
          expected.computeIfAbsent(i.pkg().purl(), k -> new TreeSet<>()).add(r.id());
        }
      }
      ecosystems.forEach(e -> perEcosystem[SyntheticAdvisories.ECOSYSTEMS.indexOf(e)]++);
    });

    Catalog catalog = new Catalog(Optional.of(new Distro("debian", "12", "Debian GNU/Linux 12 (bookworm)", List.of())),
        installed.stream().map(SyntheticAdvisories.Installed::pkg).sorted().toList(), List.of());
    try (Database db = Database.open(tmp.resolve("db"))) {
      assertThat(db.status().advisories()).isEqualTo(ADVISORIES);
      assertThat(db.status().perEcosystem()).containsExactlyInAnyOrderEntriesOf(Map.of("npm", (long) perEcosystem[0], "PyPI", (long) perEcosystem[1],
          "Maven", (long) perEcosystem[2], "Go", (long) perEcosystem[3], "Debian", (long) perEcosystem[4], "Alpine", (long) perEcosystem[5]));
      VulnerabilityMatcher.Result result = new VulnerabilityMatcher(db).match(catalog, i -> Optional.empty());
      Map<String, Set<String>> found = new TreeMap<>();
      for (VulnerabilityFinding f : result.findings()) {
        found.computeIfAbsent(f.pkg().purl(), k -> new TreeSet<>()).add(f.id());
        assertThat(f.aliases()).as(f.id()).containsExactly(f.id().replace("SYN-", "CVE-"));
        assertThat(f.fixedVersion()).as(f.id()).isNotNull();
      }
      assertThat(result.notes()).isEmpty();
      // a test that could pass on nothing would prove nothing: well over a thousand findings are expected
      assertThat(expected.values().stream().mapToInt(Set::size).sum()).isGreaterThan(300);
      assertThat(found).isEqualTo(expected);
    }
  }
}
