package dev.portcullis.vuln.osv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads OSV JSON (schema 1.0 to 1.7; unknown fields are ignored as the schema asks). Never throws
 * for bad input: a document that is not an OSV record comes back as {@link ParseResult.Malformed}
 * with a one-line reason. Thread-safe.
 *
 * <p>The memory a record takes is bounded whatever its size in bytes: a record of more than {@link
 * #MAX_TOKENS} JSON tokens is refused while it is read, before the rest of it is held, and one whose
 * {@code aliases}, {@code related} or {@code upstream} list has more than {@link #MAX_IDENTIFIERS}
 * entries is refused before its identifiers are copied (each one becomes a row and joins alias groups).
 */
public final class OsvParser {
  /**
   * The most JSON tokens (values, field names, and the start and end of objects and arrays) one record
   * may have: the largest records osv.dev publishes have a few tens of thousands.
   */
  public static final long MAX_TOKENS = 1_000_000;

  /** The most entries each of a record's {@code aliases}, {@code related} and {@code upstream} lists may have. */
  public static final int MAX_IDENTIFIERS = 10_000;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).build()).build());

  private OsvParser() {}

  /** Parses one OSV document. */
  public static ParseResult parse(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (StreamConstraintsException e) {
      return malformed(tooLarge(e));
    } catch (IOException e) {
      return malformed("not JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      return malformed("not a JSON object");
    }
    try {
      return new ParseResult.Parsed(advisory(root));
    } catch (DefectException | IllegalArgumentException e) {
      return malformed(e.getMessage());
    }
  }

  private static ParseResult malformed(String reason) {
    return new ParseResult.Malformed(reason.replaceAll("\\s+", " ").strip());
  }

  private static String tooLarge(StreamConstraintsException e) {
    String original = String.valueOf(e.getOriginalMessage());
    if (original.startsWith("Token count")) {
      return "more than " + MAX_TOKENS + " JSON tokens, the limit for one record";
    }
    // Jackson's other read limits (nesting depth, string and number lengths); its messages name the accessor too
    return "beyond a limit of the JSON reader: " + original.replaceAll(", from `[^`]*`", "");
  }

  private static String firstLine(IOException e) {
    if (e instanceof JsonProcessingException j) {
      var loc = j.getLocation();
      return j.getOriginalMessage() + (loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr());
    }
    return String.valueOf(e.getMessage());
  }

  private static Advisory advisory(JsonNode root) throws DefectException {
    String id = requiredText(root, "id", "");
    String where = id + ": ";
    Instant modified = timestamp(root, "modified", where).orElseThrow(() -> new DefectException(where + "missing 'modified'"));
    List<Affected> affected = new ArrayList<>();
    int i = 0;
    for (JsonNode a : array(root, "affected", where)) {
      affected.add(affected(a, where + "affected[" + i++ + "]: "));
    }
    return new Advisory(
        text(root, "schema_version", where), id, modified,
        timestamp(root, "published", where), timestamp(root, "withdrawn", where),
        identifiers(root, "aliases", where), identifiers(root, "related", where), identifiers(root, "upstream", where),
        text(root, "summary", where), text(root, "details", where),
        severities(root, where), affected, references(root, where), credits(root, where),
        map(root, "database_specific", where));
  }

  private static Affected affected(JsonNode a, String where) throws DefectException {
    if (!a.isObject()) {
      throw new DefectException(where + "not an object");
    }
    Optional<Affected.Package> pkg = Optional.empty();
    JsonNode p = a.get("package");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw new DefectException(where + "'package' is not an object");
      }
      pkg = Optional.of(new Affected.Package(requiredText(p, "ecosystem", where + "package: "), requiredText(p, "name", where + "package: "),
          text(p, "purl", where + "package: ")));
    }
    List<Affected.Range> ranges = new ArrayList<>();
    int i = 0;
    for (JsonNode r : array(a, "ranges", where)) {
      ranges.add(range(r, where + "ranges[" + i++ + "]: "));
    }
    return new Affected(pkg, severities(a, where), ranges, strings(a, "versions", where),
        map(a, "ecosystem_specific", where), map(a, "database_specific", where));
  }

  private static Affected.Range range(JsonNode r, String where) throws DefectException {
    String typeName = requiredText(r, "type", where);
    Affected.RangeType type;
    try {
      type = Affected.RangeType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new DefectException(where + "unknown range type '" + typeName + "'");
    }
    List<Affected.Event> events = new ArrayList<>();
    for (JsonNode e : array(r, "events", where)) {
      if (!e.isObject() || e.size() != 1) {
        throw new DefectException(where + "an event must be an object with exactly one field");
      }
      var field = e.fields().next();
      Affected.EventKind kind = switch (field.getKey()) {
        case "introduced" -> Affected.EventKind.INTRODUCED;
        case "fixed" -> Affected.EventKind.FIXED;
        case "last_affected" -> Affected.EventKind.LAST_AFFECTED;
        case "limit" -> Affected.EventKind.LIMIT;
        default -> throw new DefectException(where + "unknown event '" + field.getKey() + "'");
      };
      if (!field.getValue().isTextual()) {
        throw new DefectException(where + "event '" + field.getKey() + "' is not a string");
      }
      events.add(new Affected.Event(kind, field.getValue().asText()));
    }
    if (events.isEmpty()) {
      throw new DefectException(where + "a range needs at least one event");
    }
    return new Affected.Range(type, text(r, "repo", where), events, map(r, "database_specific", where));
  }

  private static List<Advisory.Severity> severities(JsonNode node, String where) throws DefectException {
    List<Advisory.Severity> out = new ArrayList<>();
    for (JsonNode s : array(node, "severity", where)) {
      out.add(new Advisory.Severity(requiredText(s, "type", where + "severity: "), requiredText(s, "score", where + "severity: ")));
    }
    return out;
  }

  private static List<Advisory.Reference> references(JsonNode root, String where) throws DefectException {
    List<Advisory.Reference> out = new ArrayList<>();
    for (JsonNode r : array(root, "references", where)) {
      out.add(new Advisory.Reference(text(r, "type", where), requiredText(r, "url", where + "references: ")));
    }
    return out;
  }

  private static List<Advisory.Credit> credits(JsonNode root, String where) throws DefectException {
    List<Advisory.Credit> out = new ArrayList<>();
    for (JsonNode c : array(root, "credits", where)) {
      out.add(new Advisory.Credit(requiredText(c, "name", where + "credits: "), strings(c, "contact", where), text(c, "type", where)));
    }
    return out;
  }

  private static Optional<Instant> timestamp(JsonNode node, String field, String where) throws DefectException {
    String s = text(node, field, where);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(instant(s));
    } catch (DateTimeParseException e) {
      throw new DefectException(where + "'" + field + "' is not an RFC 3339 UTC timestamp: '" + s + "'");
    }
  }

  /**
   * {@link Instant#parse} with a fast path for the form every OSV feed writes,
   * {@code 2024-01-31T12:34:56Z} with optional fractional seconds: the general parser is a tenth of
   * matching's time when each candidate advisory is read.
   */
  static Instant instant(String s) {
    int n = s.length();
    if (n >= 20 && s.charAt(n - 1) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':' && (n == 20 || n > 21 && n <= 30 && s.charAt(19) == '.')) {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 7);
      int day = digits(s, 8, 10);
      int hour = digits(s, 11, 13);
      int minute = digits(s, 14, 16);
      int second = digits(s, 17, 19);
      int nanos = 0;
      if (n > 20) {
        int fraction = digits(s, 20, n - 1);
        nanos = fraction < 0 ? -1 : fraction * POWERS[9 - (n - 21)];
      }
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59
          && second >= 0 && second <= 59 && nanos >= 0) {
        try {
          return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
          // an impossible date (February 30th): the general parser says so
        }
      }
    }
    return Instant.parse(s);
  }

  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

  /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String requiredText(JsonNode node, String field, String where) throws DefectException {
    String s = text(node, field, where);
    if (s.isBlank()) {
      throw new DefectException(where + "missing '" + field + "'");
    }
    return s;
  }

  private static String text(JsonNode node, String field, String where) throws DefectException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new DefectException(where + "'" + field + "' is not a string");
    }
    return v.asText();
  }

  private static Iterable<JsonNode> array(JsonNode node, String field, String where) throws DefectException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new DefectException(where + "'" + field + "' is not an array");
    }
    return v;
  }

  private static List<String> identifiers(JsonNode node, String field, String where) throws DefectException {
    JsonNode v = node.get(field);
    if (v != null && v.isArray() && v.size() > MAX_IDENTIFIERS) {
      throw new DefectException(where + "'" + field + "' has " + v.size() + " entries, more than the limit of " + MAX_IDENTIFIERS);
    }
    return strings(node, field, where);
  }

  private static List<String> strings(JsonNode node, String field, String where) throws DefectException {
    List<String> out = new ArrayList<>();
    for (JsonNode s : array(node, field, where)) {
      if (!s.isTextual()) {
        throw new DefectException(where + "'" + field + "' holds a value that is not a string");
      }
      out.add(s.asText());
    }
    return out;
  }

  private static Map<String, Object> map(JsonNode node, String field, String where) throws DefectException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!(v instanceof ObjectNode o)) {
      throw new DefectException(where + "'" + field + "' is not an object");
    }
    return JsonValues.of(o);
  }

  /** A defect in the document; becomes a {@link ParseResult.Malformed}, never leaves the parser. */
  private static final class DefectException extends Exception {
    DefectException(String message) {
      super(message, null, false, false);
    }
  }
}
