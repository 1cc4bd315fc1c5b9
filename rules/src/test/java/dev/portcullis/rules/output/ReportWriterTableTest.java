package dev.portcullis.rules.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Text;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A file name from the image is shown escaped in the table, one finding a line, and exactly in JSON and SARIF. */
class ReportWriterTableTest {
  private static final String FILE = "app/config\nPCS-SECRET-001 LOW      fake\033[2K\u202e.txt";

  private static Report report() {
    // a format-specific rule, so that what generic rules match does not matter here
    String token = "ghp_" + ReportWriterTest.random(36, 7);
    List<Text> texts = List.of(new Text(Text.Kind.FILE, "/" + FILE, new Text.Origin.OnDisk(FILE), "token: " + token + "\n"));
    Report r = new Engine(Checks.defaults()).evaluate(new Contents("img", texts, List.of()));
    assertThat(r.findings()).hasSize(1);
    return r;
  }

  @Test
  void theTableShowsTheNameEscapedOnOneLine() {
    String table = ReportWriter.write(report(), ReportWriter.Format.TABLE, "0.1.0");
    assertThat(table).doesNotContain("\033", "\u202e");
    assertThat(table.lines()).hasSize(2);
    assertThat(table).contains("app/config\\nPCS-SECRET-001 LOW      fake\\033[2K\\u202e.txt:1:");
  }

  @Test
  void jsonAndSarifKeepTheNameExact() throws Exception {
    JsonNode json = new ObjectMapper().readTree(ReportWriter.write(report(), ReportWriter.Format.JSON, "0.1.0"));
    assertThat(json.path("findings").get(0).path("location").path("file").asText()).isEqualTo(FILE);
    JsonNode sarif = new ObjectMapper().readTree(ReportWriter.write(report(), ReportWriter.Format.SARIF, "0.1.0"));
    assertThat(sarif.findValuesAsText("uri")).containsExactly(FILE);
  }
}
