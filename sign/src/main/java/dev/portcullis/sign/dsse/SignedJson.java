package dev.portcullis.sign.dsse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The JSON reading and writing every signed format here shares: bounded, strict about duplicate keys
 * (two {@code payload} fields must never be read one way by us and another by a peer), keys written in
 * the order given, and field access that says which field of which document is wrong.
 */
public final class SignedJson {
  /** Largest signed document read: an SBOM predicate can be large, nothing signed here is larger. */
  public static final int MAX_BYTES = 64 << 20;

  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.INDENT_OUTPUT)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).maxStringLength(MAX_BYTES).build());
  }

  private SignedJson() {}

  /** {@code bytes} as a JSON object; {@code what} names the document in the error. */
  public static ObjectNode object(byte[] bytes, String what) throws FormatException {
    if (bytes.length > MAX_BYTES) {
      throw new FormatException(what + ": " + bytes.length + " bytes, more than the " + MAX_BYTES + " allowed");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new FormatException(what + ": not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (java.io.IOException e) {
      throw new FormatException(what + ": unreadable (" + e.getMessage() + ")", e);
    }
    if (node == null || !node.isObject()) {
      throw new FormatException(what + ": not a JSON object");
    }
    return (ObjectNode) node;
  }

  public static String text(JsonNode parent, String field, String what) throws FormatException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual()) {
      throw new FormatException(what + ": field '" + field + "' is " + (n == null ? "missing" : "not a string"));
    }
    return n.asText();
  }

  public static ObjectNode child(JsonNode parent, String field, String what) throws FormatException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isObject()) {
      throw new FormatException(what + ": field '" + field + "' is " + (n == null ? "missing" : "not an object"));
    }
    return (ObjectNode) n;
  }

  /** Standard base64, with or without padding; URL-safe base64 too, as the DSSE spec allows either. */
  public static byte[] base64(JsonNode parent, String field, String what) throws FormatException {
    String text = text(parent, field, what);
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new FormatException(what + ": field '" + field + "' is not base64", e);
    }
  }

  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    }
  }
}
