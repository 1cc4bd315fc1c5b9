package dev.portcullis.admission.json.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object received as JSON, taken as the YAML documents its text would parse to (JSON is YAML:
 * strings are quoted scalars, numbers integers or floats, {@code true}/{@code false} booleans),
 * without printing and reading it again, so that the rules' Kubernetes checks run on it. The same
 * bounds as {@link YamlDocuments#parse}; positions are not known, so every node is at line 1, column 1.
 */
public final class JsonTrees {
  private static final int MAX_DEPTH = 100;

  private JsonTrees() {}

  public static YamlDocuments documents(String file, JsonNode json) {
    try {
      return new YamlDocuments(List.of(node(json, new int[] {YamlDocuments.MAX_NODES}, 0)), List.of());
    } catch (TooLarge e) {
      return new YamlDocuments(List.of(), List.of(new Problem(file, 0, 0, "JSON has more than " + YamlDocuments.MAX_NODES
          + " nodes or is nested deeper than " + MAX_DEPTH + " levels; not read")));
    }
  }

  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private static YamlNode node(JsonNode n, int[] budget, int depth) {
    if (--budget[0] < 0 || depth > MAX_DEPTH) {
      throw new TooLarge();
    }
    if (n.isObject()) {
      Map<String, YamlNode> entries = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        entries.put(e.getKey(), node(e.getValue(), budget, depth + 1));
      }
      return new YamlNode.YMap(entries, Map.of(), 1, 1);
    } else if (n.isArray()) {
      List<YamlNode> items = new ArrayList<>(n.size());
      for (JsonNode item : n) {
        items.add(node(item, budget, depth + 1));
      }
      return new YamlNode.YList(items, 1, 1);
    } else if (n.isNull() || n.isMissingNode()) {
      return new YamlNode.YScalar(null, 1, 1);
    }
    YamlNode.Kind kind = n.isBoolean() ? YamlNode.Kind.BOOLEAN
        : n.isIntegralNumber() ? YamlNode.Kind.INTEGER : n.isNumber() ? YamlNode.Kind.FLOAT : YamlNode.Kind.STRING;
    return new YamlNode.YScalar(n.asText(), 1, 1, kind);
  }
}
