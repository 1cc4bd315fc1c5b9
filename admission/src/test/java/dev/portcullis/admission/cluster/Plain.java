package dev.portcullis.admission.cluster;

import dev.cel.common.values.NullValue;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** YAML read by the rules module's parser, as the plain values CEL evaluates over: maps, lists, strings, longs, booleans. */
final class Plain {
  private Plain() {}

  /** Every document of {@code text}; fails the test on a parse problem. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String text) {
    YamlDocuments docs = YamlDocuments.parse("test.yaml", text);
    if (!docs.problems().isEmpty()) {
      throw new AssertionError("YAML problems: " + docs.problems());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    docs.documents().forEach(d -> out.add((Map<String, Object>) value(d)));
    return out;
  }

  static Object value(YamlNode n) {
    return switch (n) {
      case YamlNode.YMap m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, value(v)));
        yield out;
      }
      case YamlNode.YList l -> {
        List<Object> out = new ArrayList<>();
        l.items().forEach(i -> out.add(value(i)));
        yield out;
      }
      case YamlNode.YScalar s -> s.value() == null ? NullValue.NULL_VALUE : switch (s.kind()) {
        case BOOLEAN -> s.value().toLowerCase(Locale.ROOT).equals("true");
        case INTEGER -> Long.parseLong(s.value());
        case FLOAT -> Double.parseDouble(s.value());
        case NULL -> NullValue.NULL_VALUE;
        case STRING -> s.value();
      };
    };
  }

  /** The value at a path of keys and list indexes. */
  @SuppressWarnings("unchecked")
  static Object at(Object root, Object... path) {
    Object v = root;
    for (Object p : path) {
      v = p instanceof Integer i ? ((List<Object>) v).get(i) : ((Map<String, Object>) v).get((String) p);
      if (v == null) {
        throw new AssertionError("nothing at " + List.of(path) + " in " + root);
      }
    }
    return v;
  }
}
