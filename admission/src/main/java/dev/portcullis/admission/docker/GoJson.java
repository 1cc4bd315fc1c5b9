package dev.portcullis.admission.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads JSON the way the engine's Go decoder will, so that the plugin checks what the engine acts
 * on: Go matches object keys to fields case-insensitively (and folds U+017F to {@code s} and U+212A
 * to {@code k}), so {@code "hostconfig"} is {@code HostConfig} to the engine. Duplicate keys and
 * two keys that fold to one field are refused rather than guessed at, as is anything not well-formed.
 */
final class GoJson {
  private static final JsonMapper MAPPER = JsonMapper.builder(new com.fasterxml.jackson.core.JsonFactory()
          .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(2 * 1024 * 1024)
              .maxNumberLength(64).build()))
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** JSON that is not what the engine would decode the same way, or not JSON at all. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  private GoJson() {}

  static JsonNode parse(byte[] json, String what) throws Malformed {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new Malformed(what + " is empty");
      }
      return node;
    } catch (IOException e) {
      throw new Malformed(what + " is not well-formed JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The member of {@code object} the Go decoder would put in field {@code name}; empty when none, or when it is JSON null. */
  static Optional<JsonNode> field(JsonNode object, String name, String where) throws Malformed {
    if (!object.isObject()) {
      throw new Malformed(where + " is not a JSON object");
    }
    List<String> keys = new ArrayList<>();
    JsonNode found = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (fold(e.getKey()).equals(fold(name))) {
        keys.add(e.getKey());
        found = e.getValue();
      }
    }
    if (keys.size() > 1) {
      throw new Malformed(where + " names " + name + " twice (" + String.join(", ", keys) + ")");
    }
    return found == null || found.isNull() ? Optional.empty() : Optional.of(found);
  }

  static Optional<String> text(JsonNode object, String name, String where) throws Malformed {
    Optional<JsonNode> v = field(object, name, where);
    if (v.isPresent() && !v.get().isTextual()) {
      throw new Malformed(where + "." + name + " is not a string");
    }
    return v.map(JsonNode::asText);
  }

  static boolean bool(JsonNode object, String name, String where) throws Malformed {
    Optional<JsonNode> v = field(object, name, where);
    if (v.isPresent() && !v.get().isBoolean()) {
      throw new Malformed(where + "." + name + " is not a boolean");
    }
    return v.map(JsonNode::asBoolean).orElse(false);
  }

  /** A list of strings; {@code null} and absent are both empty. */
  static List<String> texts(JsonNode object, String name, String where) throws Malformed {
    Optional<JsonNode> v = field(object, name, where);
    List<String> out = new ArrayList<>();
    if (v.isEmpty()) {
      return out;
    }
    if (!v.get().isArray()) {
      throw new Malformed(where + "." + name + " is not a list");
    }
    for (JsonNode item : v.get()) {
      if (!item.isTextual()) {
        throw new Malformed(where + "." + name + " holds something other than strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** Go's key folding: ASCII letters case-insensitive, U+017F (long s) as s, U+212A (Kelvin sign) as k. */
  static String fold(String key) {
    StringBuilder s = new StringBuilder(key.length());
    key.codePoints().forEach(c -> {
      if (c == 0x017F) {
        s.append('s');
      } else if (c == 0x212A) {
        s.append('k');
      } else if (c >= 'A' && c <= 'Z') {
        s.append((char) (c + 32));
      } else {
        s.appendCodePoint(c);
      }
    });
    return s.toString();
  }

  private static String firstLine(String message) {
    String m = message == null ? "unreadable" : message;
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
