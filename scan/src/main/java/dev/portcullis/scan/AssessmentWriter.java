package dev.portcullis.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Finding;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.output.ReportWriter;
import dev.portcullis.vuln.report.ReportJson;
import dev.portcullis.vuln.report.ReportTable;
import dev.portcullis.vuln.report.Sarif;
import dev.portcullis.vuln.report.ScanReport;
import dev.portcullis.vuln.report.Vdr;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * An {@link Assessment} in each format {@code scan} writes: the vulnerability report, with the rule
 * findings beside it ({@code misconfigurations} and {@code secrets} in JSON, the same SARIF run, a
 * second table). A scanner that did not run leaves its part out. Every format is built from the
 * assessment itself; none reads another's text.
 */
public final class AssessmentWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AssessmentWriter() {}

  public static String table(Assessment a) {
    StringBuilder sb = new StringBuilder();
    a.vulnerabilities().ifPresent(v -> sb.append(ReportTable.of(v)));
    Set<ScanType> types = a.types();
    if (ScanType.anyRules(types)) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(types.contains(ScanType.CONFIG) && types.contains(ScanType.SECRET) ? "Misconfigurations, secrets and debug leftovers"
          : types.contains(ScanType.CONFIG) ? "Misconfigurations and debug leftovers" : "Secrets").append(":\n");
      sb.append(ReportWriter.write(checks(a), ReportWriter.Format.TABLE, ""));
    }
    return sb.toString();
  }

  /** The JSON document, indented. */
  public static String json(Assessment a) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(jsonTree(a));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of our own always serialises", e);
    }
  }

  private static ObjectNode jsonTree(Assessment a) {
    ObjectNode root;
    if (a.vulnerabilities().isPresent()) {
      root = ReportJson.of(a.vulnerabilities().get());
    } else {
      root = MAPPER.createObjectNode();
      root.put("image", a.subject().name());
      if (a.subject().directory()) {
        root.putNull("digest"); // as the vulnerability report writes it
      } else {
        root.put("digest", a.subject().digestOrDirectory());
      }
    }
    if (!ScanType.anyRules(a.types())) {
      return root;
    }
    Report checks = checks(a);
    ObjectNode checkJson = ReportWriter.jsonTree(checks);
    List<Finding.CheckFinding> findings = checks.findings();
    ArrayNode all = (ArrayNode) checkJson.path("findings");
    for (ScanType type : List.of(ScanType.CONFIG, ScanType.SECRET)) {
      if (a.types().contains(type)) {
        ArrayNode out = root.putArray(type == ScanType.CONFIG ? "misconfigurations" : "secrets");
        for (int i = 0; i < findings.size(); i++) {
          if (isSecret(findings.get(i)) == (type == ScanType.SECRET)) {
            out.add(all.get(i));
          }
        }
      }
    }
    root.set("checkProblems", checkJson.path("problems"));
    root.set("allowed", checkJson.path("allowed"));
    return root;
  }

  /** One SARIF run: the advisories' rules and results, then the checks' rules and results with their indexes moved past them. */
  public static String sarif(Assessment a, String toolVersion) {
    ObjectNode checkSarif = ReportWriter.sarifTree(checks(a), toolVersion);
    if (a.vulnerabilities().isEmpty()) {
      return checkSarif.toPrettyString();
    }
    ObjectNode root = Sarif.tree(a.vulnerabilities().get(), toolVersion);
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

  /** The CycloneDX 1.6 vulnerability disclosure report: needs the vulnerability scanner. */
  public static String vdr(Assessment a, String toolVersion) throws IOException {
    ScanReport v = a.vulnerabilities().orElseThrow(() -> new IllegalArgumentException(
        "--format cyclonedx-vdr lists vulnerabilities: --scanners must include vuln"));
    return Vdr.write(v, toolVersion);
  }

  private static Report checks(Assessment a) {
    return a.checks().orElse(Report.EMPTY);
  }

  /** Whether a finding belongs to the secret scanner. */
  static boolean isSecret(Finding.CheckFinding f) {
    return f instanceof Finding.Secret;
  }
}
