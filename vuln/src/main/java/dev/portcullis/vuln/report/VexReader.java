package dev.portcullis.vuln.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.portcullis.catalog.DocumentFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the statements of a VEX document, keeping each statement's scope and time.
 *
 * <p>OpenVEX (any version): the vulnerability as {@code {"name": ...}} (or {@code @id}) or a string;
 * products as {@code {"@id": purl}}, {@code {"identifiers": {"purl": ...}}} or strings, each with
 * its {@code subcomponents} (and a statement's own {@code subcomponents}, as in v0.0.1, added to
 * every product); the time from the statement's {@code last_updated} or {@code timestamp}, else the
 * document's; the document's {@code @id} and {@code version}.
 *
 * <p>CycloneDX: each {@code vulnerabilities[]} entry with an {@code analysis.state} is a statement
 * ({@code not_affected}: not affected; {@code exploitable}: affected; {@code in_triage}: under
 * investigation; {@code resolved}, {@code resolved_with_pedigree}: fixed; {@code false_positive}:
 * affected, since only {@code not_affected} is read as a suppression). {@code affects[].ref} is a
 * Package URL or the {@code bom-ref} of a component of the document; when the document has a
 * {@code metadata.component}, it is the product (an image or a package) and what it affects is scoped
 * to it, as OpenVEX subcomponents are; one without a readable {@code purl} scopes them to nothing. The time is {@code analysis.lastUpdated}, {@code updated}, {@code analysis.firstIssued},
 * {@code published}, else {@code metadata.timestamp}; the document is {@code serialNumber} and
 * {@code version}. A {@code not_affected} entry whose {@code affects} lists {@code versions} is not
 * applied (its version ranges are not evaluated); other states are applied to every version.
 *
 * <p>A statement, product, CycloneDX vulnerability or {@code metadata} with a field the format does
 * not define refuses the document: a misspelled {@code subcomponents} or {@code component} would
 * otherwise widen a statement to a whole image or to every copy of a package.
 *
 * <p>Products that are not Package URLs, and refs that resolve to none, are kept out: they apply to
 * nothing. So is a product whose {@code subcomponents} are given but name no Package URL: read as
 * "no subcomponents", it would apply to the whole product. A document that is not JSON, repeats a key, is larger than {@link #MAX_BYTES}, or has a
 * statement without a vulnerability, with an unknown status or with a time that is not RFC 3339 is
 * refused whole with an {@link IOException} whose message is one line.
 */
public final class VexReader {
  // a repeated key would let a reviewer read one status while the scan uses another
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  // a misspelled field could hide a limit of scope ("subcomponets", "componnet"): unknown fields refuse the document
  private static final Set<String> STATEMENT_FIELDS = Set.of("@id", "version", "vulnerability", "timestamp", "last_updated", "products",
      "subcomponents", "status", "supplier", "status_notes", "justification", "impact_statement", "action_statement", "action_statement_timestamp");
  private static final Set<String> PRODUCT_FIELDS = Set.of("@id", "@type", "identifiers", "hashes", "subcomponents");
  private static final Set<String> METADATA_FIELDS = Set.of("timestamp", "lifecycles", "tools", "authors", "component", "manufacture",
      "manufacturer", "supplier", "licenses", "properties");
  private static final Set<String> VULNERABILITY_FIELDS = Set.of("bom-ref", "id", "source", "references", "ratings", "cwes", "description",
      "detail", "recommendation", "workaround", "proofOfConcept", "advisories", "created", "published", "updated", "rejected", "credits", "tools",
      "analysis", "affects", "properties");

  /** The largest VEX document read. */
  public static final long MAX_BYTES = 16L << 20;

  private VexReader() {}

  public static VexDocument read(Path file) throws IOException {
    String what = "read VEX document " + file;
    JsonNode root = DocumentFiles.read(file, what, MAX_BYTES, "JSON", f -> JSON.readTree(f.toFile()));
    String source = file.getFileName().toString();
    try {
      if (root != null && root.isObject() && root.has("statements")) {
        return openVex(root, source);
      }
      if (root != null && root.isObject() && "CycloneDX".equals(root.path("bomFormat").asText())) {
        return cycloneDx(root, source);
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
    throw new IOException(what + ": neither OpenVEX (statements) nor CycloneDX (bomFormat)");
  }

  private static VexDocument openVex(JsonNode root, String source) {
    JsonNode statements = root.get("statements");
    if (!statements.isArray()) {
      throw new IllegalArgumentException("'statements' is not a list");
    }
    Instant documentTime = time(root, "document", "last_updated", "timestamp");
    List<VexStatement> out = new ArrayList<>();
    int n = 0;
    for (JsonNode s : statements) {
      String where = "statement " + ++n;
      if (!s.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      knownFields(s, STATEMENT_FIELDS, where);
      JsonNode v = s.path("vulnerability");
      String id = v.isTextual() ? v.asText() : text(v, "name").or(() -> text(v, "@id")).orElse("");
      if (id.isBlank()) {
        throw new IllegalArgumentException(where + " names no vulnerability");
      }
      VexStatus status = openVexStatus(s.path("status").asText(""), where);
      Optional<List<Purl>> shared = subcomponents(s.get("subcomponents"));
      List<VexProduct> products = new ArrayList<>();
      JsonNode listed = s.path("products");
      for (JsonNode p : listed.isArray() ? listed : MissingNode.getInstance()) {
        knownFields(p, PRODUCT_FIELDS, where + " product");
        Optional<Purl> product = purl(p);
        Optional<List<Purl>> own = subcomponents(p.get("subcomponents"));
        if (product.isPresent() && own.isPresent() && shared.isPresent()) {
          List<Purl> subcomponents = new ArrayList<>(own.get());
          subcomponents.addAll(shared.get());
          products.add(new VexProduct(product.get(), subcomponents));
        }
      }
      Instant own = time(s, where, "last_updated", "timestamp");
      String justification = text(s, "justification").or(() -> text(s, "impact_statement")).orElse(s.path("status").asText());
      out.add(new VexStatement(id, status, products, justification, own != null ? own : documentTime, source));
    }
    return new VexDocument(source, text(root, "@id").orElse(null), version(root), out);
  }

  private static VexStatus openVexStatus(String status, String where) {
    return switch (status) {
      case "not_affected" -> VexStatus.NOT_AFFECTED;
      case "affected" -> VexStatus.AFFECTED;
      case "fixed" -> VexStatus.FIXED;
      case "under_investigation" -> VexStatus.UNDER_INVESTIGATION;
      default -> throw new IllegalArgumentException(where + " has status '" + abbreviate(status)
          + "', not one of not_affected, affected, fixed, under_investigation");
    };
  }

  private static VexDocument cycloneDx(JsonNode root, String source) {
    JsonNode vulnerabilities = root.path("vulnerabilities");
    if (!vulnerabilities.isMissingNode() && !vulnerabilities.isArray()) {
      throw new IllegalArgumentException("'vulnerabilities' is not a list");
    }
    Map<String, Purl> byRef = new HashMap<>();
    knownFields(root.path("metadata"), METADATA_FIELDS, "metadata");
    JsonNode metadataComponent = root.path("metadata").path("component");
    collectRefs(metadataComponent, byRef);
    for (JsonNode c : root.path("components")) {
      collectRefs(c, byRef);
    }
    // a product that is given but cannot be read scopes its statements to nothing, never to everything
    boolean scoped = !metadataComponent.isMissingNode();
    Optional<Purl> product = text(metadataComponent, "purl").flatMap(Purl::parse);
    Instant documentTime = time(root.path("metadata"), "metadata", "timestamp");
    List<VexStatement> out = new ArrayList<>();
    int n = 0;
    for (JsonNode v : vulnerabilities) {
      String where = "vulnerabilities[" + n++ + "]";
      knownFields(v, VULNERABILITY_FIELDS, where);
      JsonNode analysis = v.path("analysis");
      if (!analysis.isObject() || !analysis.has("state")) {
        continue; // a vulnerability without analysis is a finding, not a statement
      }
      String id = text(v, "id").orElse("");
      if (id.isBlank()) {
        throw new IllegalArgumentException(where + " has an analysis but no id");
      }
      VexStatus status = cycloneDxStatus(analysis.path("state").asText(""), where);
      List<VexProduct> products = new ArrayList<>();
      for (JsonNode a : v.path("affects")) {
        if (status == VexStatus.NOT_AFFECTED && a.has("versions")) {
          continue;
        }
        Optional<Purl> affected = resolve(a.path("ref").asText(""), byRef, root.path("serialNumber").asText(""));
        if (affected.isEmpty()) {
          continue;
        }
        if (!scoped || affected.get().isImage() || product.isPresent() && product.get().equals(affected.get())) {
          products.add(new VexProduct(affected.get(), List.of()));
        } else if (product.isPresent()) {
          products.add(new VexProduct(product.get(), List.of(affected.get())));
        }
      }
      Instant own = time(analysis, where + ".analysis", "lastUpdated");
      own = own != null ? own : time(v, where, "updated");
      own = own != null ? own : time(analysis, where + ".analysis", "firstIssued");
      own = own != null ? own : time(v, where, "published");
      out.add(new VexStatement(id, status, products, text(analysis, "justification").orElse(analysis.path("state").asText()),
          own != null ? own : documentTime, source));
    }
    return new VexDocument(source, text(root, "serialNumber").orElse(null), version(root), out);
  }

  private static VexStatus cycloneDxStatus(String state, String where) {
    return switch (state) {
      case "not_affected" -> VexStatus.NOT_AFFECTED;
      case "exploitable", "false_positive" -> VexStatus.AFFECTED;
      case "in_triage" -> VexStatus.UNDER_INVESTIGATION;
      case "resolved", "resolved_with_pedigree" -> VexStatus.FIXED;
      default -> throw new IllegalArgumentException(where + " has analysis state '" + abbreviate(state)
          + "', not one of not_affected, exploitable, in_triage, resolved, resolved_with_pedigree, false_positive");
    };
  }

  /** Records the {@code bom-ref} of {@code component} and of the components nested in it. */
  private static void collectRefs(JsonNode component, Map<String, Purl> byRef) {
    List<JsonNode> pending = new ArrayList<>(List.of(component));
    while (!pending.isEmpty()) {
      JsonNode c = pending.remove(pending.size() - 1);
      Optional<String> ref = text(c, "bom-ref");
      Optional<Purl> purl = text(c, "purl").flatMap(Purl::parse);
      if (ref.isPresent() && purl.isPresent()) {
        byRef.putIfAbsent(ref.get(), purl.get());
      }
      c.path("components").forEach(pending::add);
    }
  }

  /** A ref: a Package URL, a {@code bom-ref} of this document, or a BOM-Link into it ({@code urn:cdx:SERIAL/VERSION#REF}). */
  private static Optional<Purl> resolve(String ref, Map<String, Purl> byRef, String serialNumber) {
    if (ref.startsWith("pkg:")) {
      return Purl.parse(ref);
    }
    if (ref.startsWith("urn:cdx:")) {
      int hash = ref.indexOf('#');
      int slash = ref.lastIndexOf('/', hash < 0 ? ref.length() : hash);
      boolean ours = hash > 0 && slash > 0 && !serialNumber.isEmpty() && serialNumber.endsWith(ref.substring("urn:cdx:".length(), slash));
      return ours ? Optional.ofNullable(byRef.get(ref.substring(hash + 1))) : Optional.empty();
    }
    return Optional.ofNullable(byRef.get(ref));
  }

  private static Optional<Purl> purl(JsonNode p) {
    if (p.isTextual()) {
      return Purl.parse(p.asText());
    }
    return text(p, "@id").flatMap(Purl::parse).or(() -> text(p.path("identifiers"), "purl").flatMap(Purl::parse));
  }

  /**
   * The subcomponents a product is limited to: none when the field is absent; empty (the product
   * then applies to nothing) when it is given but names no Package URL, since reading it as "no
   * limit" would widen the statement to the whole product.
   */
  private static Optional<List<Purl>> subcomponents(@Nullable JsonNode field) {
    if (field == null) {
      return Optional.of(List.of());
    }
    List<Purl> out = new ArrayList<>();
    if (field.isArray()) {
      for (JsonNode p : field) {
        purl(p).ifPresent(out::add);
      }
    }
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  /** The first of {@code fields} that {@code node} has, as an instant; refused when it is not RFC 3339. */
  private static @Nullable Instant time(JsonNode node, String where, String... fields) {
    for (String field : fields) {
      JsonNode t = node.get(field);
      if (t == null || t.isNull()) {
        continue;
      }
      try {
        return OffsetDateTime.parse(t.asText()).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(where + ": " + field + " '" + abbreviate(t.asText()) + "' is not an RFC 3339 date and time", e);
      }
    }
    return null;
  }

  private static void knownFields(JsonNode node, Set<String> known, String where) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!known.contains(field.getKey())) {
          throw new IllegalArgumentException(where + " has an unknown field '" + abbreviate(field.getKey()) + "'");
        }
      }
    }
  }

  private static long version(JsonNode root) {
    JsonNode v = root.get("version");
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.canConvertToLong() && v.isIntegralNumber() || v.isTextual() && v.asText().matches("\\d{1,18}")) {
      return v.asLong();
    }
    throw new IllegalArgumentException("version '" + abbreviate(v.asText()) + "' is not a whole number");
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** Hostile text in a message: at most 80 characters, printable ASCII, so one line stays one line. */
  private static String abbreviate(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(80).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
  }
}
