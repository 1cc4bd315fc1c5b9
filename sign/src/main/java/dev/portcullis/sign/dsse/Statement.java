package dev.portcullis.sign.dsse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-toto Statement v1: what is attested ({@code subject}: names and digests), the predicate's
 * type URI and the predicate itself (any JSON object). Also reads the v0.1 {@code _type} cosign wrote
 * before in-toto v1.
 */
public record Statement(List<Subject> subjects, String predicateType, JsonNode predicate) {
  public static final String TYPE_V1 = "https://in-toto.io/Statement/v1";
  public static final String TYPE_V01 = "https://in-toto.io/Statement/v0.1";

  /** An attested artefact: for an image, its repository and manifest digest. */
  public record Subject(String name, Digest digest) {}

  public Statement {
    subjects = List.copyOf(subjects);
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("an in-toto statement needs a subject");
    }
    if (predicateType.isEmpty()) {
      throw new IllegalArgumentException("an in-toto statement needs a predicate type");
    }
    predicate = predicate.deepCopy();
  }

  @Override
  public JsonNode predicate() {
    return predicate.deepCopy();
  }

  /** Whether {@code digest} is among the subjects. */
  public boolean covers(Digest digest) {
    return subjects.stream().anyMatch(s -> s.digest.equals(digest));
  }

  public byte[] toBytes() {
    ObjectNode o = SignedJson.MAPPER.createObjectNode();
    o.put("_type", TYPE_V1);
    ArrayNode subs = o.putArray("subject");
    for (Subject s : subjects) {
      ObjectNode n = subs.addObject();
      n.put("name", s.name);
      n.putObject("digest").put(s.digest.algorithm(), s.digest.hex());
    }
    o.put("predicateType", predicateType);
    o.set("predicate", predicate);
    return SignedJson.write(o);
  }

  public static Statement parse(byte[] bytes) throws FormatException {
    String what = "in-toto statement";
    ObjectNode o = SignedJson.object(bytes, what);
    String type = SignedJson.text(o, "_type", what);
    if (!type.equals(TYPE_V1) && !type.equals(TYPE_V01)) {
      throw new FormatException(what + ": unknown _type '" + type + "'");
    }
    JsonNode subs = o.get("subject");
    if (subs == null || !subs.isArray() || subs.isEmpty()) {
      throw new FormatException(what + ": no subject");
    }
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode s : subs) {
      ObjectNode digests = SignedJson.child(s, "digest", what + " subject");
      JsonNode name = s.get("name");
      var it = digests.properties().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getValue().isTextual() && (e.getKey().equals("sha256") || e.getKey().equals("sha512"))) {
          try {
            subjects.add(new Subject(name != null && name.isTextual() ? name.asText() : "", new Digest(e.getKey(), e.getValue().asText())));
          } catch (IllegalArgumentException ex) {
            throw new FormatException(what + ": subject digest " + e.getKey() + " is malformed", ex);
          }
        }
      }
    }
    if (subjects.isEmpty()) {
      throw new FormatException(what + ": no subject has a sha256 or sha512 digest");
    }
    String predicateType = SignedJson.text(o, "predicateType", what);
    JsonNode predicate = o.get("predicate");
    if (predicateType.isEmpty()) {
      throw new FormatException(what + ": field 'predicateType' is empty");
    }
    return new Statement(subjects, predicateType, predicate == null ? SignedJson.MAPPER.nullNode() : predicate);
  }
}
