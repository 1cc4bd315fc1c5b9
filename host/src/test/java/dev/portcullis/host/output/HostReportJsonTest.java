package dev.portcullis.host.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.check.CheckCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A written JSON report reads back to the same report, and a report that was edited, or is not one, is refused with the reason. */
class HostReportJsonTest {
  private static final CheckCatalog CATALOG = CheckCatalog.builtInWithoutContainers();
  private static final ObjectMapper JSON = new ObjectMapper();

  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  static HostReport random(long seed) {
    Random r = new Random(seed);
    List<CheckResult> results = new ArrayList<>();
    for (HostCheck c : CATALOG.all()) {
      if (r.nextInt(4) == 0) {
        continue;
      }
      Status s = c.automated() ? Status.values()[r.nextInt(Status.values().length)] : Status.MANUAL;
      CheckResult result = new CheckResult(c, s, "found " + r.nextInt(1000) + " in /etc/x");
      results.add(s == Status.FAIL && r.nextBoolean() ? result.allow("accepted until the rebuild") : result);
    }
    return HostReport.of(r.nextBoolean() ? "/" : "/srv/copy", r.nextBoolean(), List.of(Profile.values()), results);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aWrittenReportReadsBackTheSame(long seed) {
    HostReport report = random(seed);
    HostReport read = HostReportJson.read(HostReportWriter.write(report, HostReportWriter.Format.JSON, "1.0"), CATALOG);
    assertThat(read).isEqualTo(report);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aReportWhoseResultsWereEditedIsRefused(long seed) throws Exception {
    HostReport report = random(seed);
    ObjectNode n = (ObjectNode) JSON.readTree(HostReportWriter.write(report, HostReportWriter.Format.JSON, "1.0"));
    ArrayNode results = (ArrayNode) n.get("results");
    boolean edited = false;
    for (int i = 0; i < results.size(); i++) {
      ObjectNode r = (ObjectNode) results.get(i);
      if (r.path("status").asText().matches("fail|error")) {
        r.put("status", "pass").remove("allowed");
        edited = true;
      }
    }
    assertThat(edited).as("seed %d has a failure to hide", seed).isTrue();
    assertThatThrownBy(() -> HostReportJson.read(n.toString(), CATALOG)).hasMessageContaining("is not what its results give");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[]|not a JSON object",
      "{\"schema\":\"portcullis.dev/risk-report/v1\"}|schema is 'portcullis.dev/risk-report/v1', not portcullis.dev/host-report/v1",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"live\",\"profiles\":[\"windows\"]}|profile 'windows' is unknown",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"live\",\"profiles\":[],\"results\":[{\"id\":\"PCS-HOST-NOPE-001\"}]}"
          + "|result for check 'PCS-HOST-NOPE-001', which this version does not know",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"live\",\"profiles\":[],\"results\":[{\"id\":\"PCS-HOST-DOCKER-001\","
          + "\"status\":\"ok\",\"evidence\":\"x\"}]}|result of PCS-HOST-DOCKER-001: status 'ok' is not pass",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"live\",\"profiles\":[],\"results\":[{\"id\":\"PCS-HOST-DOCKER-001\","
          + "\"status\":\"pass\",\"evidence\":\"x\"},{\"id\":\"PCS-HOST-DOCKER-001\",\"status\":\"pass\",\"evidence\":\"x\"}]}"
          + "|check PCS-HOST-DOCKER-001 has two results",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"live\",\"profiles\":[],\"results\":[{\"id\":\"PCS-HOST-DOCKER-001\","
          + "\"status\":\"pass\",\"evidence\":\"x\",\"allowed\":\"why\"}]}|only a failure can be allowed",
      "{\"schema\":\"portcullis.dev/host-report/v1\",\"mode\":\"sideways\"}|mode is 'sideways', not live or offline",
      "{\"schema\":|not JSON",
  })
  void whatIsNotAReportIsRefusedWithTheReason(String caseText) {
    String[] parts = caseText.split("\\|", 2);
    assertThatThrownBy(() -> HostReportJson.read(parts[0], CATALOG)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(parts[1]);
  }
}
