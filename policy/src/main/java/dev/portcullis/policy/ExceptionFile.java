package dev.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads an exceptions file:
 *
 * <pre>
 * apiVersion: portcullis.dev/v1
 * kind: Exceptions
 * exceptions:
 *   - id: log4j-until-upgrade               # optional; its position otherwise
 *     finding: CVE-2021-44228               # and/or package:, purl:, image: (globs)
 *     stages: [test]                        # optional; all stages when absent
 *     justification: JndiLookup removed from the jar; upgrade planned in sprint 12
 *     owner: payments-team
 *     requester: alice@example.com
 *     approver: bob@example.com             # never the requester
 *     expires: 2025-09-30                   # the last day it applies
 * </pre>
 *
 * An entry that is incomplete, or approved by its own requester, is refused with its reason and
 * never applied; the rest still are. Only a file that is not YAML at all stops the run.
 */
public final class ExceptionFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("id", "finding", "package", "purl", "image", "stages", "justification", "owner", "requester",
      "approver", "expires");

  private ExceptionFile() {}

  /** An entry that was not accepted, and why. */
  public record Refused(String name, String reason) {}

  /** The accepted exceptions and the refused entries, both in file order. */
  public record Loaded(List<PolicyException> exceptions, List<Refused> refused) {
    public static final Loaded NONE = new Loaded(List.of(), List.of());

    public Loaded {
      exceptions = List.copyOf(exceptions);
      refused = List.copyOf(refused);
    }
  }

  public static Loaded read(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  public static Loaded parse(String name, String text) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IOException("read exceptions " + name + ": malformed YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (root == null || !root.isObject() || !"portcullis.dev/v1".equals(root.path("apiVersion").asText())
        || !"Exceptions".equals(root.path("kind").asText()) || !root.path("exceptions").isArray()) {
      throw new IOException("read exceptions " + name + ": expected apiVersion: portcullis.dev/v1, kind: Exceptions and an exceptions list");
    }
    List<PolicyException> accepted = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    int i = 0;
    for (JsonNode e : root.get("exceptions")) {
      String id = e.hasNonNull("id") ? e.get("id").asText() : "exceptions[" + i + "]";
      i++;
      List<String> problems = new ArrayList<>();
      Set<String> unknown = new TreeSet<>();
      e.fieldNames().forEachRemaining(k -> {
        if (!KEYS.contains(k)) {
          unknown.add(k);
        }
      });
      if (!unknown.isEmpty()) {
        problems.add("unknown key " + String.join(", ", unknown));
      }
      String finding = text(e, "finding");
      String pkg = text(e, "package");
      String purl = text(e, "purl");
      String image = text(e, "image");
      if (finding == null && pkg == null && purl == null && image == null) {
        problems.add("names no finding, package, purl or image");
      }
      for (String required : List.of("justification", "owner", "requester", "approver", "expires")) {
        if (text(e, required) == null) {
          problems.add("has no " + required);
        }
      }
      LocalDate expires = null;
      if (text(e, "expires") != null) {
        try {
          expires = LocalDate.parse(text(e, "expires"));
        } catch (DateTimeParseException x) {
          problems.add("expires must be a date like 2025-12-31, not " + text(e, "expires"));
        }
      }
      String requester = text(e, "requester");
      String approver = text(e, "approver");
      if (requester != null && approver != null && PolicyException.person(requester).equals(PolicyException.person(approver))) {
        problems.add("approved by its own requester " + requester + ": separation of duties needs someone else to approve");
      }
      List<String> stages = new ArrayList<>();
      e.path("stages").forEach(s -> stages.add(s.asText()));
      if (!problems.isEmpty()) {
        refused.add(new Refused(id, String.join("; ", problems)));
        continue;
      }
      accepted.add(new PolicyException(id, finding, pkg, purl, image, stages, text(e, "justification"), text(e, "owner"), requester, approver, expires));
    }
    return new Loaded(accepted, refused);
  }

  private static @Nullable String text(JsonNode e, String key) {
    JsonNode v = e.get(key);
    return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? null : v.asText().strip();
  }
}
