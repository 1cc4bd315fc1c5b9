package dev.portcullis.vuln.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Severity;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Package names, versions and paths come from the image: the table shows them escaped, JSON exactly. */
class ReportTableEscapingTest {
  private static final String NAME = "evil\n  CRITICAL CVE-2099-9999";
  private static final String VERSION = "1.0\033[8m";
  private static final String PATH = "/app/node_modules/evil\u202e/package.json";

  private static ScanReport report() {
    Digest layer = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    Package p = new Package(NAME, "", VERSION, Ecosystem.NPM, "pkg:npm/evil@1.0", "test-cataloger", List.of(new Location(PATH, 0, layer)), null, null,
        Map.of());
    Finding.Vulnerability f = new Finding.Vulnerability("GHSA-aaaa-bbbb-cccc", List.of("CVE-2020-0001"), p, VERSION, "1.1", Severity.HIGH, null, null,
        null, null, false, Finding.Vulnerability.Status.FIXED, "summary", "test-matcher", null);
    NoiseControl.Outcome o = NoiseControl.none(LocalDate.of(2026, 1, 1)).apply(List.of(f));
    return new ScanReport("app:1", Digest.sha256("image".getBytes(StandardCharsets.UTF_8)), Optional.empty(), 1, o.shown(), o.suppressed(), o.expired(),
        null, List.of());
  }

  @Test
  void theTableEscapesWhatThePackageSays() {
    String table = ReportTable.of(report());
    assertThat(table).doesNotContain("\033", "\u202e").contains("evil\\n  CRITICAL CVE-2099-9999 1.0\\033[8m  (npm, /app/node_modules/evil\\u202e/package.json");
    assertThat(table.lines().filter(l -> l.contains("CRITICAL"))).hasSize(1);
    assertThat(table.lines()).hasSize(4); // summary, blank, package, finding
  }

  @Test
  void jsonKeepsItExact() throws Exception {
    JsonNode json = ReportJson.of(report());
    assertThat(json.findValuesAsText("name")).contains(NAME);
    assertThat(json.findValuesAsText("installedVersion")).containsExactly(VERSION);
    assertThat(json.findValuesAsText("path")).containsExactly(PATH);
  }
}
