package dev.portcullis.behaviour.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Block-style YAML of maps (kept in their order), lists, strings and integers, laid out as {@code kubectl} prints it
 * (list items at their key's indent). A string is written plain only when no YAML 1.1 or 1.2 reader can take it for
 * anything but that string; every other string is double-quoted with JSON escapes.
 */
final class YamlText {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*");
  /** An IPv4 CIDR block: no YAML reader takes {@code 10.0.0.0/8} for a number, and users write it plain. */
  private static final Pattern IPV4_CIDR = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}");
  private static final Pattern SPECIAL = Pattern.compile(
      "(?i)y|n|yes|no|on|off|true|false|null|nan|inf");

  private YamlText() {}

  /** The lines of {@code map} at indent 0, each ending with a newline. */
  static String of(Map<String, ?> map) {
    List<String> lines = new ArrayList<>();
    map(map, 0, lines);
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }

  private static void map(Map<String, ?> map, int indent, List<String> lines) {
    String pad = " ".repeat(indent);
    for (Map.Entry<String, ?> e : map.entrySet()) {
      String key = pad + scalar(e.getKey()) + ":";
      Object value = e.getValue();
      if (value instanceof Map<?, ?> m && !m.isEmpty()) {
        lines.add(key);
        map(cast(m), indent + 2, lines);
      } else if (value instanceof List<?> l && !l.isEmpty()) {
        lines.add(key);
        list(l, indent, lines);
      } else {
        lines.add(key + " " + scalar(value));
      }
    }
  }

  private static void list(List<?> items, int indent, List<String> lines) {
    String pad = " ".repeat(indent);
    for (Object item : items) {
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        List<String> inner = new ArrayList<>();
        map(cast(m), indent + 2, inner);
        lines.add(pad + "- " + inner.getFirst().substring(indent + 2));
        lines.addAll(inner.subList(1, inner.size()));
      } else if (item instanceof List<?>) {
        throw new IllegalArgumentException("write YAML: a list directly in a list is not supported");
      } else {
        lines.add(pad + "- " + scalar(item));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }

  /** A scalar: an integer, an empty map or list, or a string plain or quoted. */
  static String scalar(Object value) {
    return switch (value) {
      case Integer i -> i.toString();
      case Long l -> l.toString();
      case Map<?, ?> m -> "{}";
      case List<?> l -> "[]";
      case String s -> PLAIN.matcher(s).matches() && !SPECIAL.matcher(s).matches() || IPV4_CIDR.matcher(s).matches()
          ? s : quoted(s);
      default -> throw new IllegalArgumentException("write YAML: " + value.getClass().getSimpleName()
          + " is not a scalar");
    };
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** {@code text} as one comment line: no control character can end the comment early. */
  static String comment(String text) {
    return "# " + text.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]", "?") + "\n";
  }
}
