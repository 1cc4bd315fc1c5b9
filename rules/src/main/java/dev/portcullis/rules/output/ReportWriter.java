package dev.portcullis.rules.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.CheckInfo;
import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.core.Severity;
import dev.portcullis.core.TerminalText;
import dev.portcullis.rules.Allowed;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Report} as text in one of the output formats. Output is deterministic: findings and
 * problems in report order, rules by ID; findings an allowlist let through are listed apart (not in
 * SARIF). Only findings' messages are written, never the inputs. The table is for a terminal: its
 * paths, messages and reasons go through {@link TerminalText#escape}; JSON and SARIF keep them exact.
 */
public final class ReportWriter {
  /** The formats a report can be written in. */
  public enum Format {
    TABLE,
    JSON,
    SARIF;

    public static Format parse(String text) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(text)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown format '" + text + "' (table, json, sarif)");
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  public static String write(Report report, Format format, String toolVersion) {
    return switch (format) {
      case TABLE -> table(report);
      case JSON -> json(report);
      case SARIF -> sarif(report, toolVersion);
    };
  }

  static String table(Report report) {
    StringBuilder sb = new StringBuilder();
    if (report.findings().isEmpty()) {
      sb.append("No findings.\n");
    } else {
      int w = report.findings().stream().mapToInt(f -> TerminalText.escape(f.location().display()).length()).max().orElse(8);
      String row = "%-14s %-8s %-" + w + "s %s";
      sb.append(String.format(Locale.ROOT, row, "ID", "SEVERITY", "WHERE", "FINDING")).append('\n');
      for (CheckFinding f : report.findings()) {
        sb.append(String.format(Locale.ROOT, row, TerminalText.escape(f.id()), f.severity(), TerminalText.escape(f.location().display()),
            TerminalText.escape(f.message()))).append('\n');
      }
    }
    for (Problem p : report.problems()) {
      sb.append(TerminalText.escape("problem: " + p.display())).append('\n');
    }
    for (Allowed a : report.allowed()) {
      sb.append(TerminalText.escape("allowed: " + a.finding().id() + " " + a.finding().location().display() + " (" + a.reason() + ")")).append('\n');
    }
    return sb.toString();
  }

  static String json(Report report) {
    return text(jsonTree(report));
  }

  /** The JSON document of {@code report}: {@code findings}, {@code problems}, {@code allowed}; for writers that place it in a larger one. */
  public static ObjectNode jsonTree(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode findings = root.putArray("findings");
    for (CheckFinding f : report.findings()) {
      ObjectNode n = findings.addObject();
      n.put("id", f.id());
      n.put("severity", f.severity().name());
      n.put("title", f.check().title());
      n.put("message", f.message());
      location(n.putObject("location"), f.location());
    }
    ArrayNode problems = root.putArray("problems");
    for (Problem p : report.problems()) {
      ObjectNode n = problems.addObject();
      n.put("file", p.file());
      n.put("line", p.line());
      n.put("column", p.column());
      n.put("message", p.message());
    }
    ArrayNode allowed = root.putArray("allowed");
    for (Allowed a : report.allowed()) {
      ObjectNode n = allowed.addObject();
      n.put("id", a.finding().id());
      n.put("severity", a.finding().severity().name());
      n.put("message", a.finding().message());
      location(n.putObject("location"), a.finding().location());
      n.put("reason", a.reason());
    }
    return root;
  }

  private static void location(ObjectNode n, FindingLocation l) {
    switch (l) {
      case FindingLocation.InFile f -> {
        n.put("file", f.file());
        n.put("line", f.line());
        n.put("endLine", f.endLine());
        n.put("column", f.column());
      }
      case FindingLocation.InConfig c -> {
        n.put("image", c.image());
        n.put("field", c.field());
      }
      case FindingLocation.InLayer i -> {
        n.put("image", i.image());
        n.put("path", i.location().path());
        n.put("layer", i.location().layerIndex());
        i.location().layerDiffIdIfAny().ifPresent(d -> n.put("layerDiffId", d.toString()));
      }
    }
  }

  private static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, NONE, UNKNOWN -> "note";
    };
  }

  static String sarif(Report report, String toolVersion) {
    return text(sarifTree(report, toolVersion));
  }

  /** The SARIF 2.1.0 log of {@code report}, one run; for writers that merge it with another. */
  public static ObjectNode sarifTree(Report report, String toolVersion) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "portcullis");
    driver.put("version", toolVersion);
    Map<String, CheckInfo> rules = new TreeMap<>();
    report.findings().forEach(f -> rules.put(f.id(), f.check()));
    ArrayNode ruleNodes = driver.putArray("rules");
    Map<String, Integer> index = new TreeMap<>();
    for (CheckInfo c : rules.values()) {
      index.put(c.id(), index.size());
      ObjectNode r = ruleNodes.addObject();
      r.put("id", c.id());
      r.putObject("shortDescription").put("text", c.title());
      r.putObject("fullDescription").put("text", c.rationale());
      r.putObject("help").put("text", c.remediation());
      r.putObject("defaultConfiguration").put("level", level(c.severity()));
      r.putObject("properties").put("severity", c.severity().name());
    }
    ArrayNode results = run.putArray("results");
    for (CheckFinding f : report.findings()) {
      ObjectNode r = results.addObject();
      r.put("ruleId", f.id());
      r.put("ruleIndex", index.get(f.id()));
      r.put("level", level(f.severity()));
      r.putObject("message").put("text", f.message());
      ObjectNode loc = r.putArray("locations").addObject();
      switch (f.location()) {
        case FindingLocation.InFile file -> {
          ObjectNode phys = loc.putObject("physicalLocation");
          phys.putObject("artifactLocation").put("uri", file.file());
          ObjectNode region = phys.putObject("region");
          region.put("startLine", file.line());
          region.put("endLine", file.endLine());
          if (file.column() > 0) {
            region.put("startColumn", file.column());
          }
        }
        case FindingLocation.InConfig c -> loc.putArray("logicalLocations").addObject().put("fullyQualifiedName", c.image() + "#" + c.field()).put("kind", "member");
        case FindingLocation.InLayer l -> {
          loc.putObject("physicalLocation").putObject("artifactLocation").put("uri", l.location().path());
          if (l.location().layerIndex() >= 0) { // a directory has no layers
            loc.putArray("logicalLocations").addObject().put("fullyQualifiedName", l.image() + "#layer" + l.location().layerIndex()).put("kind", "module");
          }
        }
      }
    }
    return root;
  }

  private static String text(ObjectNode n) {
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of our own always serialises", e);
    }
  }
}
