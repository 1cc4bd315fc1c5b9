package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names an image chooses reach the terminal escaped, one row each, and machine formats exactly. */
class UntrustedTextTest {
  @TempDir Path tmp;

  private CliRun run(String... args) {
    String[] all = CliRun.withCache(tmp.resolve("cache"), args);
    return CliRun.of(all);
  }

  /** Raw name in the tar, then how a terminal must show its path. */
  private static final String[][] NAMES = {
      {"fake\n-rw-r--r--  0:0  1  0  shadow", "/fake\\n-rw-r--r--  0:0  1  0  shadow"},
      {"over\rwrite", "/over\\rwrite"},
      {"\033[31mred\033[0m", "/\\033[31mred\\033[0m"},
      {"invoice\u202efdp.exe", "/invoice\\u202efdp.exe"},
      {"back\\slash", "/back\\\\slash"},
  };

  /** Climbs above the root, so reading it warns, quoting the raw name. */
  private static final String CLIMBER = "../\033]0;pwned\007up\nportcullis: all clear";

  private String image() {
    LayerBuilder layer = new LayerBuilder();
    for (String[] n : NAMES) {
      layer.file(n[0], "x");
    }
    layer.file(CLIMBER, "y");
    Path dir = tmp.resolve("hostile-names");
    new OciLayoutBuilder().layer(layer).write(dir);
    return "oci-dir:" + dir;
  }

  private static void assertTerminalSafe(String text) {
    assertThat(text).doesNotContain("\033", "\r", "\u202e", "\007");
  }

  @Test
  void imageFilesShowsEachHostileNameOnItsOwnRowEscaped() {
    CliRun r = run("image", "files", image());
    assertThat(r.exit()).as(r.err()).isZero();
    assertTerminalSafe(r.out());
    List<String> lines = r.out().lines().toList();
    assertThat(lines).as(r.out()).hasSize(1 + NAMES.length + 1);
    List<String> paths = new ArrayList<>();
    for (String[] n : NAMES) {
      paths.add(n[1]);
    }
    paths.add("/\\033]0;pwned\\aup\\nportcullis: all clear");
    for (String p : paths) {
      assertThat(lines).as(p).anyMatch(l -> l.endsWith(" " + p));
    }
  }

  @Test
  void aWarningQuotingAHostileNameIsOneEscapedLine() {
    CliRun r = run("image", "files", image());
    assertTerminalSafe(r.err());
    assertThat(r.err().lines()).as(r.err()).singleElement().satisfies(w -> {
      assertThat(w).startsWith("portcullis: warning: layer 0 (sha256:");
      assertThat(w).endsWith(": entry '../\\033]0;pwned\\aup\\nportcullis: all clear' climbs above the root; "
          + "kept inside it as /\\033]0;pwned\\aup\\nportcullis: all clear");
    });
  }

  @Test
  void jsonKeepsTheExactNames() throws IOException {
    CliRun r = run("image", "files", "--format", "json", image());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode files = JsonOutput.MAPPER.readTree(r.out());
    List<String> paths = new ArrayList<>();
    files.forEach(f -> paths.add(f.path("path").asText()));
    for (String[] n : NAMES) {
      assertThat(paths).contains("/" + n[0]);
    }
    assertThat(paths).contains("/\033]0;pwned\007up\nportcullis: all clear");
  }

  @Test
  void aWarningReplayedFromTheLayerCacheNamesTheImageBeingRead() {
    byte[] shared = new LayerBuilder().file("../climber", "c").build();
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    new OciLayoutBuilder().layer(shared, OciLayoutBuilder.Compression.GZIP, "ADD climber").write(first);
    new OciLayoutBuilder().layer(new LayerBuilder().file("base", "b")).layer(shared, OciLayoutBuilder.Compression.GZIP, "ADD climber").write(second);
    CliRun one = run("image", "files", "oci-dir:" + first);
    assertThat(one.err()).contains("layer 0 (sha256:").contains(first.toString()).contains("entry '../climber' climbs above the root");
    CliRun two = run("image", "files", "oci-dir:" + second); // the same --cache-dir: layer 1 comes from the cache
    assertThat(two.err().lines()).as(two.err()).singleElement().satisfies(w -> assertThat(w)
        .startsWith("portcullis: warning: layer 1 (sha256:").contains(") of oci-dir:" + second).doesNotContain(first.toString())
        .endsWith(": entry '../climber' climbs above the root; kept inside it as /climber"));
    assertThat(tmp.resolve("cache")).isNotEmptyDirectory();
  }

  @Test
  void theGateTableEscapesTheImageNameAndFindingsItQuotes() throws IOException {
    String hostile = "app\033[2J\nALLOW  app:1 at prod";
    java.util.List<dev.portcullis.policy.score.RiskFinding> findings = java.util.List.of(new dev.portcullis.policy.score.RiskFinding(
        "CVE-2024-1", java.util.List.of(), dev.portcullis.policy.score.Kind.VULNERABILITY, dev.portcullis.core.Severity.CRITICAL,
        "pkg\033[8m", "1", "pkg:npm/pkg@1", false, false, null, dev.portcullis.policy.score.RiskFinding.Fix.NOT_FIXED, null, false, "t", "/p"));
    dev.portcullis.policy.score.RiskReport report = dev.portcullis.policy.score.RiskReport.of(
        new dev.portcullis.policy.score.ImageFacts(hostile, "sha256:" + "e".repeat(64), "1000", java.util.Map.of()), null, findings, null);
    Path file = tmp.resolve("risk.json");
    java.nio.file.Files.writeString(file, dev.portcullis.policy.score.RiskReportJson.write(report));
    CliRun r = run("gate", "--quiet", "--report", file.toString(), "--stage", "prod", "saved");
    assertTerminalSafe(r.out() + r.err());
    assertThat(r.out().lines().filter(l -> l.matches("^(ALLOW|WARN|DENY)  .*"))).as(r.out()).hasSize(1);
    assertThat(r.out()).contains("app\\033[2J\\nALLOW  app:1 at prod");
  }
}
