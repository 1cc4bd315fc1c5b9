package dev.portcullis.admission.remote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.core.Digest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The JSON of {@link ImageFacts} and of the server's answer around them. Written with fields in a
 * fixed order and times in RFC 3339 UTC; read strictly: a missing or mistyped field, an unknown
 * standing or decision, a score outside 0–100 or an envelope whose digest differs from its facts'
 * is an {@link IllegalArgumentException} naming the field.
 */
public final class FactsJson {
  /** The most characters of JSON read. */
  public static final int MAX_CHARS = 1 << 20;

  private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(MAX_CHARS).build()).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private FactsJson() {}

  /**
   * The server's answer for one image.
   *
   * @param image the reference asked for, as written (a tag or a digest reference)
   * @param digest the digest it names or resolves to
   * @param facts what is known about that digest
   */
  public record Envelope(String image, Digest digest, ImageFacts facts) {
    public Envelope {
      Objects.requireNonNull(image, "image");
      if (!digest.equals(facts.digest())) {
        throw new IllegalArgumentException("the answer for " + image + " names digest " + digest + " but its facts are of " + facts.digest());
      }
    }
  }

  public static String write(ImageFacts facts) {
    return text(node(facts));
  }

  public static String writeEnvelope(Envelope envelope) {
    ObjectNode root = JSON.createObjectNode();
    root.put("image", envelope.image()).put("digest", envelope.digest().toString()).set("facts", node(envelope.facts()));
    return text(root);
  }

  public static ImageFacts read(String json) {
    return facts(parse(json), "facts");
  }

  public static Envelope readEnvelope(String json) {
    JsonNode root = object(parse(json), "answer");
    String image = string(root, "image", "answer");
    Digest digest = digest(root, "digest", "answer");
    return new Envelope(image, digest, facts(object(root.get("facts"), "facts"), "facts"));
  }

  /** The standing's name in JSON: {@code passed}, {@code quarantined}, ... */
  public static String name(Standing standing) {
    return standing.name().toLowerCase(Locale.ROOT);
  }

  private static ObjectNode node(ImageFacts facts) {
    ObjectNode n = JSON.createObjectNode();
    n.put("digest", facts.digest().toString());
    if (facts.standing().isPresent()) {
      n.put("standing", name(facts.standing().get()));
    } else {
      n.putNull("standing");
    }
    n.put("summary", facts.summary());
    ArrayNode keys = n.putArray("signatureKeys");
    facts.signatureKeys().forEach(keys::add);
    ArrayNode verdicts = n.putArray("verdicts");
    for (VerdictEvidence v : facts.verdicts()) {
      verdicts.addObject().put("stage", v.stage()).put("decision", v.decision()).put("score", v.score())
          .put("issuedAt", time(v.issuedAt())).put("keyId", v.keyId());
    }
    n.put("fetchedAt", time(facts.fetchedAt()));
    return n;
  }

  private static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  private static String text(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing image facts", e);
    }
  }

  private static JsonNode parse(String json) {
    if (json.length() > MAX_CHARS) {
      throw new IllegalArgumentException("image facts larger than " + MAX_CHARS + " characters");
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed image facts JSON: " + e.getOriginalMessage());
    }
  }

  private static ImageFacts facts(JsonNode node, String where) {
    JsonNode n = object(node, where);
    Digest digest = digest(n, "digest", where);
    JsonNode s = n.get("standing");
    Optional<Standing> standing;
    if (s == null || s.isNull()) {
      standing = Optional.empty();
    } else if (s.isTextual()) {
      standing = Optional.of(standing(s.asText(), where));
    } else {
      throw new IllegalArgumentException(where + ".standing is not a string or null");
    }
    String summary = string(n, "summary", where);
    List<String> keys = new ArrayList<>();
    for (JsonNode k : array(n, "signatureKeys", where)) {
      if (!k.isTextual()) {
        throw new IllegalArgumentException(where + ".signatureKeys holds a " + k.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a key ID");
      }
      keys.add(k.asText());
    }
    List<VerdictEvidence> verdicts = new ArrayList<>();
    int i = 0;
    for (JsonNode v : array(n, "verdicts", where)) {
      String at = where + ".verdicts[" + i++ + "]";
      object(v, at);
      String decision = string(v, "decision", at);
      if (!decision.equals("allow") && !decision.equals("warn") && !decision.equals("deny")) {
        throw new IllegalArgumentException(at + ".decision is '" + decision + "', not allow, warn or deny");
      }
      JsonNode score = v.get("score");
      if (score == null || !score.isIntegralNumber() || score.asLong() < 0 || score.asLong() > 100) {
        throw new IllegalArgumentException(at + ".score is not a whole number from 0 to 100");
      }
      verdicts.add(new VerdictEvidence(string(v, "stage", at), decision, score.asInt(), instant(v, "issuedAt", at), string(v, "keyId", at)));
    }
    return new ImageFacts(digest, standing, summary, keys, verdicts, instant(n, "fetchedAt", where));
  }

  private static Standing standing(String text, String where) {
    for (Standing s : Standing.values()) {
      if (name(s).equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(where + ".standing '" + text + "' is not one of undecided, passed, warned, quarantined, released");
  }

  private static JsonNode object(@org.jspecify.annotations.Nullable JsonNode n, String where) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(where + " is not a JSON object");
    }
    return n;
  }

  private static JsonNode array(JsonNode n, String field, String where) {
    JsonNode a = n.get(field);
    if (a == null || !a.isArray()) {
      throw new IllegalArgumentException(where + "." + field + " is missing or not an array");
    }
    return a;
  }

  private static String string(JsonNode n, String field, String where) {
    JsonNode s = n.get(field);
    if (s == null || !s.isTextual()) {
      throw new IllegalArgumentException(where + "." + field + " is missing or not a string");
    }
    return s.asText();
  }

  private static Digest digest(JsonNode n, String field, String where) {
    try {
      return Digest.parse(string(n, field, where));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + "." + field + ": " + e.getMessage(), e);
    }
  }

  private static Instant instant(JsonNode n, String field, String where) {
    String text = string(n, field, where);
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + "." + field + " '" + text + "' is not an RFC 3339 time");
    }
  }
}
