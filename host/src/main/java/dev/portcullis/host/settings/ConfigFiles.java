package dev.portcullis.host.settings;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A JSON, YAML or TOML configuration file of the host as flat keys: {@code a.b.c} for nested maps,
 * {@code a[0].b} for list items and {@code a[*].b} for every item (values joined by {@code ,});
 * scalars as text, a list of scalars joined by {@code ,}.
 */
public final class ConfigFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build()).build();
  private static final ObjectMapper TOML = new TomlMapper();

  private ConfigFiles() {}

  /**
   * The flat keys of the file at {@code path}; empty when it does not exist.
   *
   * @throws RootProblem when it cannot be read or does not parse as {@code format}
   */
  public static Optional<Map<String, String>> read(Root root, String path, ConfigFormat format) throws RootProblem {
    Optional<String> text = root.readText(path);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(flatten(parse(path, text.get(), format)));
  }

  static JsonNode parse(String path, String text, ConfigFormat format) throws RootProblem {
    if (text.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = switch (format) {
        case JSON -> JSON.readTree(text);
        case YAML -> YAML.readTree(text);
        case TOML -> TOML.readTree(text);
      };
      if (n == null || n.isMissingNode() || n.isNull()) {
        return JSON.createObjectNode();
      }
      if (!n.isObject()) {
        throw new RootProblem(path + ": not a " + format.name() + " map at the top");
      }
      return n;
    } catch (JacksonException e) {
      String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new RootProblem(path + ": not valid " + format.name() + at + " (" + firstLine(m) + ")");
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  static Map<String, String> flatten(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    flatten("", node, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
    if (n.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
      if (!prefix.isEmpty()) {
        out.put(prefix, n.toString());
      }
    } else if (n.isArray()) {
      List<String> scalars = new ArrayList<>();
      Map<String, List<String>> every = new TreeMap<>();
      for (int i = 0; i < n.size(); i++) {
        JsonNode item = n.get(i);
        if (item.isValueNode()) {
          scalars.add(item.asText());
        }
        Map<String, String> inner = new TreeMap<>();
        flatten("", item, inner);
        for (Map.Entry<String, String> e : inner.entrySet()) {
          out.put(prefix + "[" + i + "]." + e.getKey(), e.getValue());
          every.computeIfAbsent(prefix + "[*]." + e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        if (item.isValueNode()) {
          out.put(prefix + "[" + i + "]", item.asText());
        }
      }
      every.forEach((k, v) -> out.put(k, String.join(",", v)));
      out.put(prefix, scalars.size() == n.size() ? String.join(",", scalars) : n.toString());
    } else if (!n.isNull()) {
      out.put(prefix, n.asText());
    }
  }
}
