package dev.portcullis.catalog.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paragraphs of a Debian control file (Debian Policy 5.1): fields {@code Name: value},
 * continuation lines starting with a space or tab, paragraphs separated by blank lines. Field names
 * are case-insensitive. A paragraph breaking these rules is reported, and the next one read. R's
 * {@code DESCRIPTION} files are written in the same format (Debian Control File, DCF).
 */
public final class ControlParagraphs {
  private ControlParagraphs() {}

  /** One paragraph of a control file. */
  public sealed interface Paragraph {
    /** The 1-based line the paragraph starts on. */
    int line();
  }

  /** Fields by name (case-insensitive); a multi-line value keeps its lines, joined by {@code \n}. */
  public record Fields(int line, Map<String, String> fields) implements Paragraph {
    public Fields {
      TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      copy.putAll(fields);
      fields = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first line of a field's value, trimmed; empty when the field is absent. */
    public String first(String name) {
      String v = fields.get(name);
      if (v == null) {
        return "";
      }
      int nl = v.indexOf('\n');
      return (nl < 0 ? v : v.substring(0, nl)).strip();
    }

    public boolean has(String name) {
      return fields.containsKey(name);
    }
  }

  public record Malformed(int line, String reason) implements Paragraph {}

  public static List<Paragraph> parse(String text) {
    List<Paragraph> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    TreeMap<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    String current = null;
    int start = 0;
    String defect = null;
    for (int i = 0; i <= lines.length; i++) {
      String line = i == lines.length ? "" : stripCr(lines[i]);
      if (line.isBlank()) {
        if (start > 0) {
          out.add(defect != null ? new Malformed(start, defect) : new Fields(start, fields));
        }
        fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        current = null;
        start = 0;
        defect = null;
        continue;
      }
      int number = i + 1;
      if (start == 0) {
        start = number;
      }
      if (defect != null) {
        continue; // the rest of a broken paragraph says nothing reliable
      }
      char c = line.charAt(0);
      if (c == ' ' || c == '\t') {
        if (current == null) {
          defect = "line " + number + " continues a field, but no field came before it";
        } else {
          fields.merge(current, line.substring(1), (a, b) -> a + "\n" + b);
        }
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon <= 0 ? "" : line.substring(0, colon);
      if (name.isEmpty() || name.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f) || name.charAt(0) == '#' || name.charAt(0) == '-') {
        defect = "line " + number + " is neither a field nor a continuation: " + shorten(line);
        continue;
      }
      if (fields.containsKey(name)) {
        defect = "line " + number + " repeats field " + name;
        continue;
      }
      fields.put(name, line.substring(colon + 1).strip());
      current = name;
    }
    return out;
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  public static String shorten(String s) {
    return "'" + (s.length() <= 60 ? s : s.substring(0, 60) + "...") + "'";
  }
}
