package dev.portcullis.vuln.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Finding;
import dev.portcullis.core.Severity;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one rule per advisory ({@code ruleId} is its
 * primary ID) with a numeric {@code security-severity}, one result per affected package, located
 * at the file that holds the package's evidence inside the image.
 */
public final class Sarif {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sarif() {}

  public static String write(ScanReport report, String toolVersion) {
    return tree(report, toolVersion).toPrettyString();
  }

  /** The SARIF 2.1.0 log of {@code report}, one run; for writers that merge it with another. */
  public static ObjectNode tree(ScanReport report, String toolVersion) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "portcullis");
    driver.put("version", toolVersion);
    driver.put("informationUri", "https://github.com/portcullis-dev/portcullis");
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    for (Finding.Vulnerability f : report.findings()) {
      if (ruleIndex.containsKey(f.id())) {
        continue;
      }
      ruleIndex.put(f.id(), ruleIndex.size());
      ObjectNode rule = rules.addObject();
      rule.put("id", f.id());
      rule.put("name", f.id().replaceAll("[^A-Za-z0-9]", ""));
      rule.putObject("shortDescription").put("text", f.summary().isEmpty() ? f.id() : f.summary());
      rule.putObject("fullDescription").put("text", String.join(", ", f.ids()) + (f.summary().isEmpty() ? "" : ": " + f.summary()));
      rule.put("helpUri", "https://osv.dev/vulnerability/" + f.id());
      rule.putObject("help").put("text", f.ids() + " affects " + f.pkg().name() + f.fixedVersionIfAny().map(v -> "; fixed in " + v).orElse("; no fix yet"));
      rule.putObject("defaultConfiguration").put("level", level(f.severity()));
      ObjectNode props = rule.putObject("properties");
      props.put("security-severity", String.format(Locale.ROOT, "%.1f", securitySeverity(f)));
      props.putArray("tags").add("security").add("vulnerability").add(f.severity().label());
    }
    ArrayNode results = run.putArray("results");
    for (Finding.Vulnerability f : report.findings()) {
      ObjectNode r = results.addObject();
      r.put("ruleId", f.id());
      r.put("ruleIndex", ruleIndex.get(f.id()));
      r.put("level", level(f.severity()));
      r.putObject("message").put("text", message(f, report.imageName()));
      ObjectNode location = r.putArray("locations").addObject();
      String path = f.pkg().location().path();
      location.putObject("physicalLocation").putObject("artifactLocation").put("uri", path.startsWith("/") ? path.substring(1) : path);
      location.putArray("logicalLocations").addObject().put("fullyQualifiedName", f.pkg().purl()).put("kind", "package");
      r.putObject("partialFingerprints").put("portcullisFinding/v1", f.id() + "|" + f.pkg().purl() + "|" + path);
    }
    return root;
  }

  private static String message(Finding.Vulnerability f, String image) {
    return "Package " + f.pkg().name() + " " + f.installedVersion() + " in " + image + " is affected by " + String.join(", ", f.ids())
        + " (" + f.severity().label() + ")" + f.fixedVersionIfAny().map(v -> "; fixed in " + v).orElse("; no fix available")
        + (f.kev() ? "; known exploited (CISA KEV)" : "");
  }

  /** error for high and critical, warning for medium, note below: the levels code scanning shows. */
  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, NONE, UNKNOWN -> "note";
    };
  }

  /** The CVSS score when known, else the middle of the severity's CVSS band. */
  static double securitySeverity(Finding.Vulnerability f) {
    if (f.cvssScore() != null) {
      return f.cvssScore();
    }
    return switch (f.severity()) {
      case CRITICAL -> 9.5;
      case HIGH -> 8.0;
      case MEDIUM -> 5.5;
      case LOW -> 2.0;
      case NONE, UNKNOWN -> 0.0;
    };
  }
}
