package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.output.ReportWriter;
import dev.portcullis.vuln.report.ReportJson;
import dev.portcullis.vuln.report.ReportTable;
import dev.portcullis.vuln.report.Sarif;
import dev.portcullis.vuln.report.ScanReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@code scan} writes when more than one scanner ran: the vulnerability report as before, with
 * the findings of the rule checks beside it ({@code misconfigurations} and {@code secrets} in JSON,
 * the same SARIF run, a second table). A scanner that did not run leaves its part out.
 */
record CombinedReport(String image, Digest digest, @Nullable ScanReport vulnerabilities, Report checks, Set<Scanners> scanners) {

  String table() {
    StringBuilder sb = new StringBuilder();
    if (vulnerabilities != null) {
      sb.append(ReportTable.of(vulnerabilities));
    }
    if (scanners.contains(Scanners.CONFIG) || scanners.contains(Scanners.SECRET)) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(scanners.contains(Scanners.CONFIG) && scanners.contains(Scanners.SECRET) ? "Misconfigurations, secrets and debug leftovers"
          : scanners.contains(Scanners.CONFIG) ? "Misconfigurations and debug leftovers" : "Secrets").append(":\n");
      sb.append(ReportWriter.write(checks, ReportWriter.Format.TABLE, ""));
    }
    return sb.toString();
  }

  ObjectNode json() {
    ObjectNode root;
    if (vulnerabilities != null) {
      root = ReportJson.of(vulnerabilities);
    } else {
      root = JsonOutput.MAPPER.createObjectNode();
      root.put("image", image);
      root.put("digest", digest.toString());
    }
    JsonNode checkJson = parse(ReportWriter.write(checks, ReportWriter.Format.JSON, ""));
    List<CheckFinding> findings = checks.findings();
    ArrayNode all = (ArrayNode) checkJson.path("findings");
    if (scanners.contains(Scanners.CONFIG)) {
      ArrayNode out = root.putArray("misconfigurations");
      for (int i = 0; i < findings.size(); i++) {
        if (!Scanners.isSecret(findings.get(i))) {
          out.add(all.get(i));
        }
      }
    }
    if (scanners.contains(Scanners.SECRET)) {
      ArrayNode out = root.putArray("secrets");
      for (int i = 0; i < findings.size(); i++) {
        if (Scanners.isSecret(findings.get(i))) {
          out.add(all.get(i));
        }
      }
    }
    if (scanners.contains(Scanners.CONFIG) || scanners.contains(Scanners.SECRET)) {
      root.set("checkProblems", checkJson.path("problems"));
      root.set("allowed", checkJson.path("allowed"));
    }
    return root;
  }

  /** One SARIF run: the advisories' rules and results, then the checks' rules and results with their indexes moved past them. */
  String sarif(String version) {
    JsonNode checkSarif = parse(ReportWriter.write(checks, ReportWriter.Format.SARIF, version));
    if (vulnerabilities == null) {
      return checkSarif.toPrettyString();
    }
    ObjectNode root = (ObjectNode) parse(Sarif.write(vulnerabilities, version));
    ObjectNode run = (ObjectNode) root.path("runs").get(0);
    ArrayNode rules = (ArrayNode) run.path("tool").path("driver").path("rules");
    ArrayNode results = (ArrayNode) run.path("results");
    int offset = rules.size();
    JsonNode checkRun = checkSarif.path("runs").get(0);
    checkRun.path("tool").path("driver").path("rules").forEach(rules::add);
    for (JsonNode r : checkRun.path("results")) {
      ObjectNode copy = ((ObjectNode) r).deepCopy();
      copy.put("ruleIndex", r.path("ruleIndex").asInt() + offset);
      results.add(copy);
    }
    return root.toPrettyString();
  }

  private static JsonNode parse(String text) {
    try {
      return JsonOutput.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("our own report is always JSON", e);
    }
  }
}
