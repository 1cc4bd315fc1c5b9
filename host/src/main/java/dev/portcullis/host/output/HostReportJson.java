package dev.portcullis.host.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.HostScore;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.check.CheckCatalog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a JSON host report ({@value HostReport#SCHEMA}) back into a {@link HostReport}, trusting
 * nothing in it: every check ID must be one of {@code catalog}'s, each at most once, and the score
 * it states must be the score its results give (a report edited after it was written, or written
 * with {@code --severity} leaving checks out, is refused). Check titles and remediations are taken
 * from the catalog, not from the report.
 */
public final class HostReportJson {
  /** The largest report read. */
  public static final int MAX_BYTES = 4 << 20;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).maxStringLength(64 << 10).build());
  }

  private HostReportJson() {}

  /**
   * @throws IllegalArgumentException saying, on one line, what in the report is wrong
   */
  public static HostReport read(String json, CheckCatalog catalog) {
    if (json.length() > MAX_BYTES) {
      throw new IllegalArgumentException("larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!HostReport.SCHEMA.equals(root.path("schema").asText(""))) {
      throw new IllegalArgumentException("schema is '" + clip(root.path("schema").asText("")) + "', not " + HostReport.SCHEMA);
    }
    String mode = text(root, "mode");
    if (!mode.equals("live") && !mode.equals("offline")) {
      throw new IllegalArgumentException("mode is '" + clip(mode) + "', not live or offline");
    }
    List<Profile> profiles = new ArrayList<>();
    for (JsonNode p : array(root, "profiles")) {
      profiles.add(Profile.parse(p.asText("")).orElseThrow(() -> new IllegalArgumentException("profile '" + clip(p.asText("")) + "' is unknown")));
    }
    List<CheckResult> results = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode r : array(root, "results")) {
      String id = text(r, "id");
      HostCheck check = catalog.get(id).orElseThrow(() -> new IllegalArgumentException("result for check '" + clip(id)
          + "', which this version does not know (" + catalog.all().size() + " checks)"));
      if (!seen.add(id)) {
        throw new IllegalArgumentException("check " + id + " has two results");
      }
      Status status = status(text(r, "status"), id);
      String evidence = text(r, "evidence");
      Optional<String> allowed = r.hasNonNull("allowed") ? Optional.of(r.get("allowed").asText()) : Optional.empty();
      try {
        results.add(new CheckResult(check, status, evidence, allowed));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("result of " + id + ": " + e.getMessage());
      }
    }
    HostReport report = HostReport.of(text(root, "root"), mode.equals("live"), profiles, results);
    JsonNode score = root.path("score");
    HostScore computed = report.score();
    String stated = score.path("value").isInt() ? score.get("value").asInt() + " (" + score.path("grade").asText("") + ")" : "none";
    String actual = computed.scored() ? computed.score() + " (" + computed.grade() + ")" : "none";
    if (!stated.equals(actual)) {
      throw new IllegalArgumentException("its score " + stated + " is not what its results give (" + actual
          + "): send the whole report, as written without --severity");
    }
    return report;
  }

  private static Status status(String word, String id) {
    return switch (word) {
      case "pass" -> Status.PASS;
      case "fail" -> Status.FAIL;
      case "not-applicable" -> Status.NOT_APPLICABLE;
      case "manual" -> Status.MANUAL;
      case "error" -> Status.ERROR;
      default -> throw new IllegalArgumentException("result of " + id + ": status '" + clip(word) + "' is not pass, fail, error, not-applicable or manual");
    };
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is missing or not text");
    }
    return v.asText();
  }

  private static JsonNode array(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException("'" + field + "' is missing or not a list");
    }
    return v;
  }

  private static String clip(String s) {
    String line = s.replaceAll("\\p{Cntrl}", "?");
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }
}
