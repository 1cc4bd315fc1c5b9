package dev.portcullis.rules.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A node of a YAML document with its position (line and column count from 1). */
public sealed interface YamlNode {
  int line();

  int column();

  /** A mapping; keys are scalars as text, in document order, each with the line of its key. */
  record YMap(Map<String, YamlNode> entries, Map<String, Integer> keyLines, int line, int column) implements YamlNode {
    public YMap {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
      keyLines = Map.copyOf(keyLines);
    }

    public Optional<YamlNode> get(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    public Optional<YMap> map(String key) {
      return get(key).filter(YMap.class::isInstance).map(YMap.class::cast);
    }

    public List<YamlNode> list(String key) {
      return get(key).filter(YList.class::isInstance).map(n -> ((YList) n).items()).orElse(List.of());
    }

    public List<YMap> maps(String key) {
      List<YamlNode> items = list(key);
      List<YMap> maps = new java.util.ArrayList<>(items.size());
      for (YamlNode n : items) {
        if (n instanceof YMap m) {
          maps.add(m);
        }
      }
      return java.util.Collections.unmodifiableList(maps);
    }

    /** The scalar at {@code key} as text; absent for a missing key, a null or a collection. */
    public Optional<String> text(String key) {
      return get(key).filter(YScalar.class::isInstance).map(n -> ((YScalar) n).value()).filter(v -> v != null);
    }

    public boolean isTrue(String key) {
      return text(key).map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    /** The line of {@code key}, or of this map when it is absent. */
    public int lineOf(String key) {
      return keyLines.getOrDefault(key, line);
    }
  }

  record YList(List<YamlNode> items, int line, int column) implements YamlNode {
    public YList {
      items = List.copyOf(items);
    }
  }

  /**
   * A scalar as written; {@code value} is null for a YAML null. {@code kind} is what a plain
   * scalar resolves to ({@code true} is a boolean, {@code "true"} a string).
   */
  record YScalar(@org.jspecify.annotations.Nullable String value, int line, int column, Kind kind) implements YamlNode {
    public YScalar(@org.jspecify.annotations.Nullable String value, int line, int column) {
      this(value, line, column, value == null ? Kind.NULL : Kind.STRING);
    }
  }

  /** What a scalar resolves to under the YAML 1.1 rules Kubernetes and Compose files are read with. */
  enum Kind {
    STRING,
    BOOLEAN,
    INTEGER,
    FLOAT,
    NULL
  }
}
