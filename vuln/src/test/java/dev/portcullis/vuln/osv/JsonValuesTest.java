package dev.portcullis.vuln.osv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The free-form objects of an OSV record read from the tree are what Jackson's own conversion gave, to each value's class. */
  @Test
  void readsATreeAsJacksonsConversionDoes() throws Exception {
    String json = """
        {"severity": "HIGH", "cwe_ids": ["CWE-79", "CWE-400"], "nvd_published_at": null, "github_reviewed": true,
         "score": 7.5, "tiny": 1e-300, "count": 3, "negative": -2147483649, "big": 123456789012345678901234567890,
         "nested": {"a": [1, 2.0, "x", false, null, {"b": {}}, []], "z": "last", "a2": {}},
         "empty": {}, "unicode": "caf\\u00e9 \\ud83d\\ude00", "zero": 0, "minus_zero": -0.0}
        """;
    ObjectNode node = (ObjectNode) MAPPER.readTree(json);
    Map<String, Object> expected = MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() {});
    Map<String, Object> actual = JsonValues.of(node);
    assertThat(actual).isEqualTo(expected);
    assertThat(List.copyOf(actual.keySet())).containsExactlyElementsOf(expected.keySet());
    assertThat(shape(actual)).isEqualTo(shape(expected));
    assertThatThrownBy(() -> actual.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  /** Every value with its class, depth first, in order. */
  private static List<String> shape(Object v) {
    List<String> out = new ArrayList<>();
    walk(v, out);
    return out;
  }

  private static void walk(Object v, List<String> out) {
    if (v instanceof Map<?, ?> m) {
      out.add("map " + m.keySet());
      m.values().forEach(e -> walk(e, out));
    } else if (v instanceof List<?> l) {
      out.add("list " + l.size());
      l.forEach(e -> walk(e, out));
    } else {
      out.add(v == null ? "null" : v.getClass().getSimpleName() + " " + v);
    }
  }
}
