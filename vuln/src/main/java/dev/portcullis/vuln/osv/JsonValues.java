package dev.portcullis.vuln.osv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Deep, unmodifiable copies of free-form JSON values (which may hold nulls, so the JDK's copyOf cannot be used). */
final class JsonValues {
  private JsonValues() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, copyValue(v)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The values of {@code node} as Jackson's {@code convertValue(node, Map)} gives them (objects as
   * maps in field order, arrays as lists, numbers as the node's own {@link Number} type), unmodifiable;
   * read from the tree directly, as that conversion's first call sets up Jackson's serializers and
   * deserializers, tens of milliseconds of a process that matches once.
   */
  static Map<String, Object> of(ObjectNode node) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), valueOf(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static @Nullable Object valueOf(JsonNode v) {
    return switch (v.getNodeType()) {
      case OBJECT -> of((ObjectNode) v);
      case ARRAY -> {
        List<Object> out = new ArrayList<>(v.size());
        v.forEach(e -> out.add(valueOf(e)));
        yield Collections.unmodifiableList(out);
      }
      case STRING -> v.textValue();
      case NUMBER -> v.numberValue();
      case BOOLEAN -> v.booleanValue();
      case NULL, MISSING -> null;
      case BINARY, POJO -> throw new IllegalArgumentException("not a JSON value: " + v.getNodeType());
    };
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return copy((Map<String, ?>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(e -> out.add(copyValue(e)));
      return Collections.unmodifiableList(out);
    }
    return v;
  }
}
