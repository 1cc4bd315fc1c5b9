package dev.portcullis.vuln.osv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep, unmodifiable copies of free-form JSON values (which may hold nulls, so the JDK's copyOf cannot be used). */
final class JsonValues {
  private JsonValues() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, copyValue(v)));
    return Collections.unmodifiableMap(out);
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
