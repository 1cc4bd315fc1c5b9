package dev.portcullis.admission.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Kubernetes object as written: {@code comments} go above it, {@code body} holds maps (in
 * insertion order), lists, strings, booleans and integers; a {@link Commented} value puts its
 * comment above its key. {@link #write} gives the same text for the same documents.
 */
public record YamlDocument(List<String> comments, Map<String, Object> body) {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z/][A-Za-z0-9._/+=-]*");
  private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

  public YamlDocument {
    comments = List.copyOf(comments);
    body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    comments.forEach(c -> requireOneLine(c));
  }

  public YamlDocument(Map<String, Object> body) {
    this(List.of(), body);
  }

  /** A value with a one-line comment written above its key. */
  public record Commented(String comment, Object value) {
    public Commented {
      requireOneLine(comment);
      Objects.requireNonNull(value, "value");
    }
  }

  /** The documents as one multi-document YAML stream, each opened by {@code ---}. */
  public static String write(List<YamlDocument> documents) {
    StringBuilder out = new StringBuilder();
    for (YamlDocument d : documents) {
      out.append("---\n");
      d.comments().forEach(c -> out.append("# ").append(c).append('\n'));
      map(d.body(), 0, out);
    }
    return out.toString();
  }

  private static void requireOneLine(String comment) {
    if (comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a YAML comment must be one line: " + comment);
    }
  }

  private static void map(Map<?, ?> m, int indent, StringBuilder out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object value = e.getValue();
      if (value instanceof Commented c) {
        pad(indent, out).append("# ").append(c.comment()).append('\n');
        value = c.value();
      }
      pad(indent, out).append(scalar(String.valueOf(e.getKey()))).append(':');
      if (value instanceof Map<?, ?> inner && !inner.isEmpty()) {
        out.append('\n');
        map(inner, indent + 2, out);
      } else if (value instanceof List<?> items && !items.isEmpty()) {
        out.append('\n');
        list(items, indent, out);
      } else {
        out.append(' ').append(inline(value)).append('\n');
      }
    }
  }

  private static void list(List<?> items, int indent, StringBuilder out) {
    for (Object item : items) {
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        StringBuilder inner = new StringBuilder();
        map(m, indent + 2, inner);
        out.append(" ".repeat(indent)).append("- ").append(inner, indent + 2, inner.length());
      } else if (item instanceof List<?> l && !l.isEmpty()) {
        throw new IllegalArgumentException("a list directly inside a list is not written: " + l);
      } else {
        pad(indent, out).append("- ").append(inline(item)).append('\n');
      }
    }
  }

  private static String inline(Object value) {
    return switch (value) {
      case Map<?, ?> m when m.isEmpty() -> "{}";
      case List<?> l when l.isEmpty() -> "[]";
      case Boolean b -> b.toString();
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case String s -> scalar(s);
      default -> throw new IllegalArgumentException("not a YAML value written here: " + value.getClass().getName());
    };
  }

  private static StringBuilder pad(int indent, StringBuilder out) {
    return out.append(" ".repeat(indent));
  }

  /** Plain when YAML reads it back as the same string; else double-quoted with JSON escapes, which YAML shares. */
  static String scalar(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }

  /** A map from alternating keys and values, in that order. */
  static Map<String, Object> fields(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** A mutable list of {@code items}, for building. */
  static List<Object> items(Object... items) {
    return new ArrayList<>(List.of(items));
  }
}
