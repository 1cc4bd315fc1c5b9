package dev.portcullis.policy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.core.Identity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * never applied; the rest still are. Requester and approver are compared as {@link Identity}s, so
 * {@code Alice} with a no-break space or in fullwidth letters is still Alice. A file that is not
 * YAML, repeats a key, is larger than {@link #MAX_BYTES}, or names a requester or approver with an
 * invisible, control or look-alike character stops the run with an {@link IOException} whose one-line
 * message names the file, the entry and the field.
 */
public final class ExceptionFile {
  // a repeated key would let a reviewer read one value while the gate uses another
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  /** The largest exceptions file read. */
  public static final long MAX_BYTES = 2L << 20;
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
    String what = "read exceptions " + file;
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, what + ": no such file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(what + ": larger than " + MAX_BYTES + " bytes");
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length > MAX_BYTES) {
      throw new IOException(what + ": larger than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException(what + ": not UTF-8", e);
    }
    return parse(file.toString(), text);
  }

  public static Loaded parse(String name, String text) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException | RuntimeException e) {
      // SnakeYAML reports some limits (nesting, aliases, size) as unchecked exceptions
      throw new IOException("read exceptions " + name + ": malformed YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
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
      Identity requesterId = identity(name, id, "requester", requester);
      Identity approverId = identity(name, id, "approver", approver);
      if (requesterId != null && approverId != null && requesterId.sameAs(approverId)) {
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

  private static @Nullable Identity identity(String file, String entry, String field, @Nullable String text) throws IOException {
    if (text == null) {
      return null;
    }
    try {
      return Identity.of(text);
    } catch (IllegalArgumentException x) {
      throw new IOException("read exceptions " + file + ": " + entry + ": " + field + " " + x.getMessage(), x);
    }
  }

  private static @Nullable String text(JsonNode e, String key) {
    JsonNode v = e.get(key);
    return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? null : v.asText().strip();
  }
}
