package dev.portcullis.host.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Severity;
import dev.portcullis.host.Audit;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.output.HostReportWriter.Format;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Each format says the same thing about the same report, deterministically, in its own structure. */
class HostReportWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static HostCheck check(String id, Profile p, Severity s) {
    return new HostCheck(id, "title of " + id, "CIS Docker Benchmark 2.2", p, 1, s, true, new Audit.DockerdConflicts(), Optional.empty(),
        "remedy " + id, "t.yaml");
  }

  static HostReport report() {
    List<CheckResult> rs = new ArrayList<>();
    rs.add(new CheckResult(check("PCS-HOST-DOCKER-002", Profile.DOCKER, Severity.HIGH), Status.FAIL, "icc=true (/etc/docker/daemon.json) <&\"\u0007>"));
    rs.add(new CheckResult(check("PCS-HOST-DOCKER-001", Profile.DOCKER, Severity.MEDIUM), Status.PASS, "ok"));
    rs.add(new CheckResult(check("PCS-HOST-LINUX-001", Profile.LINUX, Severity.LOW), Status.ERROR, "/etc/fstab: binary content"));
    rs.add(new CheckResult(check("PCS-HOST-LINUX-002", Profile.LINUX, Severity.LOW), Status.NOT_APPLICABLE, "not applicable offline"));
    rs.add(new CheckResult(check("PCS-HOST-KUBELET-001", Profile.KUBELET, Severity.CRITICAL), Status.FAIL, "anonymous-auth=true (kubelet default)")
        .allow("lab cluster, closed network"));
    return HostReport.of("/srv/host", false, List.of(Profile.values()), rs);
  }

  @Test
  void jsonHasTheStableSchemaAndSortedResults() throws Exception {
    String text = HostReportWriter.write(report(), Format.JSON, "1.2.3");
    assertThat(HostReportWriter.write(report(), Format.JSON, "1.2.3")).isEqualTo(text);
    JsonNode n = JSON.readTree(text);
    assertThat(n.path("schema").asText()).isEqualTo("portcullis.dev/host-report/v1");
    assertThat(n.path("mode").asText()).isEqualTo("offline");
    assertThat(n.findValuesAsText("id")).containsExactly("PCS-HOST-DOCKER-001", "PCS-HOST-DOCKER-002", "PCS-HOST-KUBELET-001",
        "PCS-HOST-LINUX-001", "PCS-HOST-LINUX-002");
    assertThat(n.path("results").get(2).path("allowed").asText()).isEqualTo("lab cluster, closed network");
    assertThat(n.path("score").path("counts").path("error").asInt()).isEqualTo(1);
    assertThat(n.path("score").path("value").asInt()).isEqualTo(report().score().score());
  }

  @Test
  void sarifHasTheChecksAsRulesAndTheFailuresAsResults() throws Exception {
    JsonNode n = JSON.readTree(HostReportWriter.write(report(), Format.SARIF, "1.2.3"));
    assertThat(n.path("version").asText()).isEqualTo("2.1.0");
    JsonNode run = n.path("runs").get(0);
    JsonNode rules = run.path("tool").path("driver").path("rules");
    assertThat(rules).hasSize(5);
    JsonNode results = run.path("results");
    assertThat(results).hasSize(2);
    for (JsonNode r : results) {
      assertThat(rules.get(r.path("ruleIndex").asInt()).path("id").asText()).isEqualTo(r.path("ruleId").asText());
      assertThat(r.path("message").path("text").asText()).isNotBlank();
      assertThat(r.path("level").asText()).isIn("error", "warning", "note");
    }
    assertThat(results.get(0).path("message").path("text").asText()).isEqualTo("icc=true (/etc/docker/daemon.json) <&\"\u0007>");
    assertThat(results.get(1).path("suppressions").get(0).path("justification").asText()).isEqualTo("lab cluster, closed network");
    JsonNode notes = run.path("invocations").get(0).path("toolExecutionNotifications");
    assertThat(notes.get(0).path("descriptor").path("id").asText()).isEqualTo("PCS-HOST-LINUX-001");
  }

  @Test
  void junitHasOneTestCasePerCheck() throws Exception {
    String xml = HostReportWriter.write(report(), Format.JUNIT, "1.2.3");
    Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element suites = d.getDocumentElement();
    assertThat(suites.getAttribute("tests")).isEqualTo("5");
    assertThat(suites.getAttribute("failures")).isEqualTo("1");
    assertThat(suites.getAttribute("errors")).isEqualTo("1");
    assertThat(suites.getAttribute("skipped")).isEqualTo("2");
    NodeList cases = d.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(5);
    Element failure = (Element) d.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("message")).isEqualTo("icc=true (/etc/docker/daemon.json) <&\"\\u0007>");
    assertThat(((Element) failure.getParentNode()).getAttribute("name")).isEqualTo("PCS-HOST-DOCKER-002 title of PCS-HOST-DOCKER-002");
    assertThat(d.getElementsByTagName("error").getLength()).isEqualTo(1);
  }

  @Test
  void theTableEscapesWhatTheHostWrote() {
    String table = HostReportWriter.write(report(), Format.TABLE, "1.2.3");
    assertThat(table).doesNotContain("\u0007");
    assertThat(table).contains("PCS-HOST-KUBELET-001       ALLOWED", "allowed: lab cluster", "fix: remedy PCS-HOST-DOCKER-002");
    assertThat(table.lines().reduce((a, b) -> b).orElseThrow()).startsWith("score ");
  }
}
