package dev.portcullis.host.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Severity;
import dev.portcullis.core.TerminalText;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.HostScore;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link HostReport} as a table (for a terminal: untrusted text escaped), JSON (schema
 * {@value HostReport#SCHEMA}), SARIF 2.1.0 (rules are the checks run, results their failures) or
 * JUnit XML (one test case per check: a failure for FAIL, an error for ERROR, skipped for
 * not applicable and manual). Every format is written from the report alone, sorted, without a
 * timestamp, so the same host gives the same bytes.
 */
public final class HostReportWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The formats. */
  public enum Format {
    TABLE,
    JSON,
    SARIF,
    JUNIT;

    public static Format parse(String text) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(text.strip())) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown format '" + text + "' (table, json, sarif, junit)");
    }
  }

  private HostReportWriter() {}

  public static String write(HostReport report, Format format, String toolVersion) {
    return switch (format) {
      case TABLE -> table(report);
      case JSON -> text(json(report, toolVersion));
      case SARIF -> text(sarif(report, toolVersion));
      case JUNIT -> junit(report);
    };
  }

  private static String status(Status s) {
    return switch (s) {
      case PASS -> "pass";
      case FAIL -> "fail";
      case NOT_APPLICABLE -> "not-applicable";
      case MANUAL -> "manual";
      case ERROR -> "error";
    };
  }

  static String table(HostReport report) {
    StringBuilder sb = new StringBuilder();
    sb.append("host ").append(TerminalText.escape(report.root())).append(report.live() ? " (live)" : " (offline)").append(", profiles ")
        .append(String.join(",", report.profiles().stream().map(Profile::label).toList())).append('\n');
    for (CheckResult r : report.results()) {
      HostCheck c = r.check();
      String st = r.allowed().isPresent() ? "ALLOWED" : r.status() == Status.NOT_APPLICABLE ? "N/A" : r.status().name();
      sb.append(String.format("%-26s %-7s %-8s L%d  %s%n", c.id(), st, c.severity().name(), c.level(), TerminalText.escape(c.title())));
      sb.append("    ").append(TerminalText.escape(r.evidence())).append('\n');
      r.allowed().ifPresent(a -> sb.append("    allowed: ").append(TerminalText.escape(a)).append('\n'));
      if (r.status() == Status.FAIL && r.allowed().isEmpty()) {
        sb.append("    fix: ").append(c.remediation()).append('\n');
      }
    }
    HostScore s = report.score();
    sb.append(s.scored() ? "score " + s.score() + " (" + s.grade() + ")" : "no score: no applicable automated check ran");
    sb.append(": ").append(s.count(Status.PASS)).append(" pass, ").append(s.count(Status.FAIL)).append(" fail, ").append(s.count(Status.ERROR))
        .append(" error, ").append(s.count(Status.NOT_APPLICABLE)).append(" not applicable, ").append(s.count(Status.MANUAL)).append(" manual\n");
    return sb.toString();
  }

  static ObjectNode json(HostReport report, String toolVersion) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", HostReport.SCHEMA);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "portcullis");
    tool.put("version", toolVersion);
    root.put("root", report.root());
    root.put("mode", report.live() ? "live" : "offline");
    ArrayNode profiles = root.putArray("profiles");
    report.profiles().forEach(p -> profiles.add(p.label()));
    HostScore s = report.score();
    ObjectNode score = root.putObject("score");
    if (s.scored()) {
      score.put("value", s.score());
      score.put("grade", s.grade().name());
    } else {
      score.putNull("value");
      score.putNull("grade");
    }
    ObjectNode counts = score.putObject("counts");
    for (Status st : Status.values()) {
      counts.put(status(st), s.count(st));
    }
    ObjectNode deductions = score.putObject("deductions");
    new TreeMap<>(s.deductions()).forEach((p, d) -> deductions.put(p.label(), Math.round(d * 10000) / 10000.0));
    ArrayNode results = root.putArray("results");
    for (CheckResult r : report.results()) {
      HostCheck c = r.check();
      ObjectNode n = results.addObject();
      n.put("id", c.id());
      n.put("title", c.title());
      n.put("benchmark", c.benchmark());
      n.put("profile", c.profile().label());
      n.put("level", c.level());
      n.put("severity", c.severity().label());
      n.put("automated", c.automated());
      n.put("audit", c.audit().kind());
      n.put("status", status(r.status()));
      n.put("evidence", r.evidence());
      r.allowed().ifPresent(a -> n.put("allowed", a));
      n.put("remediation", c.remediation());
    }
    return root;
  }

  private static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      default -> "note";
    };
  }

  static ObjectNode sarif(HostReport report, String toolVersion) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "portcullis");
    driver.put("version", toolVersion);
    driver.put("informationUri", "https://portcullis.dev/docs/host");
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> index = new TreeMap<>();
    for (CheckResult r : report.results()) {
      HostCheck c = r.check();
      index.put(c.id(), index.size());
      ObjectNode rule = rules.addObject();
      rule.put("id", c.id());
      rule.putObject("shortDescription").put("text", c.title());
      rule.putObject("fullDescription").put("text", c.title() + " (" + c.benchmark() + ", level " + c.level() + ")");
      rule.putObject("help").put("text", c.remediation());
      rule.putObject("defaultConfiguration").put("level", level(c.severity()));
      ObjectNode props = rule.putObject("properties");
      props.put("severity", c.severity().name());
      props.put("benchmark", c.benchmark());
      props.put("profile", c.profile().label());
      props.put("level", c.level());
      props.put("automated", c.automated());
    }
    ObjectNode invocation = run.putArray("invocations").addObject();
    boolean errors = report.results().stream().anyMatch(r -> r.status() == Status.ERROR);
    invocation.put("executionSuccessful", true);
    ArrayNode notes = invocation.putArray("toolExecutionNotifications");
    ArrayNode results = run.putArray("results");
    for (CheckResult r : report.results()) {
      HostCheck c = r.check();
      if (r.status() == Status.ERROR) {
        ObjectNode note = notes.addObject();
        note.put("level", "error");
        note.putObject("message").put("text", r.evidence());
        note.putObject("descriptor").put("id", c.id());
        continue;
      }
      if (r.status() != Status.FAIL) {
        continue;
      }
      ObjectNode res = results.addObject();
      res.put("ruleId", c.id());
      res.put("ruleIndex", index.get(c.id()));
      res.put("level", level(c.severity()));
      res.putObject("message").put("text", r.evidence());
      res.putArray("locations").addObject().putArray("logicalLocations").addObject()
          .put("fullyQualifiedName", report.root() + "#" + c.id()).put("kind", "resource");
      r.allowed().ifPresent(a -> res.putArray("suppressions").addObject().put("kind", "external").put("justification", a));
    }
    if (!errors) {
      invocation.remove("toolExecutionNotifications");
    }
    return root;
  }

  static String junit(HostReport report) {
    List<CheckResult> rs = report.results();
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append("<testsuites name=\"portcullis host\"").append(counts(rs)).append(">\n");
    for (Profile p : Profile.values()) {
      List<CheckResult> mine = rs.stream().filter(r -> r.check().profile() == p).toList();
      if (mine.isEmpty()) {
        continue;
      }
      sb.append("  <testsuite name=\"").append(xml("host " + p.label())).append('"').append(counts(mine)).append(">\n");
      for (CheckResult r : mine) {
        HostCheck c = r.check();
        sb.append("    <testcase classname=\"portcullis.host.").append(p.label()).append("\" name=\"").append(xml(c.id() + " " + c.title()))
            .append('"');
        String body = switch (r.status()) {
          case PASS -> "";
          case FAIL -> r.allowed().isPresent()
              ? "      <skipped message=\"" + xml("allowed: " + r.allowed().get()) + "\"/>\n"
              : "      <failure type=\"" + c.severity().label() + "\" message=\"" + xml(r.evidence()) + "\">" + xml("fix: " + c.remediation())
                  + "</failure>\n";
          case ERROR -> "      <error type=\"error\" message=\"" + xml(r.evidence()) + "\"/>\n";
          case NOT_APPLICABLE -> "      <skipped message=\"" + xml("not applicable: " + r.evidence()) + "\"/>\n";
          case MANUAL -> "      <skipped message=\"" + xml("manual: " + r.evidence()) + "\"/>\n";
        };
        String out = r.status() == Status.PASS ? "      <system-out>" + xml(r.evidence()) + "</system-out>\n" : "";
        if (body.isEmpty() && out.isEmpty()) {
          sb.append("/>\n");
        } else {
          sb.append(">\n").append(body).append(out).append("    </testcase>\n");
        }
      }
      sb.append("  </testsuite>\n");
    }
    sb.append("</testsuites>\n");
    return sb.toString();
  }

  private static String counts(List<CheckResult> rs) {
    long failures = rs.stream().filter(r -> r.status() == Status.FAIL && r.allowed().isEmpty()).count();
    long errors = rs.stream().filter(r -> r.status() == Status.ERROR).count();
    long skipped = rs.stream().filter(r -> r.status() == Status.NOT_APPLICABLE || r.status() == Status.MANUAL || r.allowed().isPresent()).count();
    return " tests=\"" + rs.size() + "\" failures=\"" + failures + "\" errors=\"" + errors + "\" skipped=\"" + skipped + "\"";
  }

  /**
   * Text as XML attribute or element content; characters XML 1.0 cannot hold become backslash-u
   * escapes of four hex digits.
   */
  static String xml(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> {
      switch (cp) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        default -> {
          boolean legal = cp == 0x9 || cp == 0xA || cp == 0xD || cp >= 0x20 && cp <= 0xD7FF || cp >= 0xE000 && cp <= 0xFFFD || cp >= 0x10000 && cp <= 0x10FFFF;
          if (legal) {
            sb.appendCodePoint(cp);
          } else {
            sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
          }
        }
      }
    });
    return sb.toString();
  }

  private static String text(ObjectNode n) {
    try {
      return MAPPER.writeValueAsString(n) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of our own always serialises", e);
    }
  }
}
