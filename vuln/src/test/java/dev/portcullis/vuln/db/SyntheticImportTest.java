package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.SyntheticAdvisories;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticImportTest {
  @TempDir Path tmp;

  @Test
  void theBenchmarkGeneratorWritesRecordsThatImportCleanlyAndAreFoundByPackage() throws IOException {
    Path zip = tmp.resolve("all.zip");
    SyntheticAdvisories.write(zip, 2_000, 7);
    ImportReport r = new DatabaseImporter(DatabaseImportTest.OPTIONS).importInto(tmp.resolve("db"), List.of(zip));
    assertThat(r.problems()).isEmpty();
    assertThat(r.advisories()).isEqualTo(2_000);
    try (Database d = Database.open(tmp.resolve("db"))) {
      long found = 0;
      for (int n = 0; n < 201; n++) {
        found += d.query("npm", SyntheticAdvisories.packageName("npm", n)).size();
      }
      // each record names one to three packages, a sixth of them npm: about 670 npm entries over 201 names
      assertThat(found).isBetween(400L, 1000L);
      assertThat(d.status().perEcosystem()).containsOnlyKeys("Alpine", "Debian", "Go", "Maven", "PyPI", "npm");
    }
  }
}
