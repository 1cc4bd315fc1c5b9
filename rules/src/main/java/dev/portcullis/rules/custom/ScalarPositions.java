package dev.portcullis.rules.custom;

import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Where each character of a YAML scalar's value is written in its file, for plain, quoted and
 * block scalars alike: folded line breaks, stripped indentation, {@code ''} in single quotes and
 * escapes in double quotes are walked over so that an offset into the value lands on the source
 * character it came from.
 */
public final class ScalarPositions {
  /** A position in the file: line and column count from 1. */
  public record Position(int line, int column) {}

  private final int[] lineStarts;
  private final int[] offsets;
  private final int end;

  private ScalarPositions(int[] lineStarts, int[] offsets, int end) {
    this.lineStarts = lineStarts;
    this.offsets = offsets;
    this.end = end;
  }

  /** Where each line of {@code text} starts: what {@link #of} takes. */
  public static int[] lineStarts(String text) {
    int n = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    int[] starts = new int[n];
    int k = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts[k++] = i + 1;
      }
    }
    return starts;
  }

  /** The positions of {@code node}'s value in {@code text}, the whole file it was read from. */
  public static ScalarPositions of(String text, int[] lineStarts, ScalarNode node) {
    String value = node.getValue();
    int line = node.getStartMark().getLine();
    int start = Math.min(text.length(), (line < lineStarts.length ? lineStarts[line] : text.length()) + node.getStartMark().getColumn());
    ScalarStyle style = node.getScalarStyle();
    int p = switch (style) {
      case PLAIN -> start;
      case SINGLE_QUOTED, DOUBLE_QUOTED -> start + 1;
      case LITERAL, FOLDED -> {
        int nl = text.indexOf('\n', start);
        yield nl < 0 ? text.length() : nl + 1;
      }
      default -> start;
    };
    boolean doubleQuoted = style == ScalarStyle.DOUBLE_QUOTED;
    boolean singleQuoted = style == ScalarStyle.SINGLE_QUOTED;
    int[] offsets = new int[value.length()];
    boolean lost = false;
    for (int i = 0; i < value.length(); i++) {
      if (lost || p >= text.length()) {
        lost = true;
        offsets[i] = Math.min(p, Math.max(0, text.length() - 1));
        continue;
      }
      if (doubleQuoted) {
        p = skipEscapedLineBreaks(text, p);
      }
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n') {
        if (doubleQuoted && p + 1 < text.length() && text.charAt(p) == '\\') {
          offsets[i] = p;
          p += escapeLength(text.charAt(p + 1));
        } else if (c == '\n') {
          int q = p;
          while (q < text.length() && (text.charAt(q) == ' ' || text.charAt(q) == '\t' || text.charAt(q) == '\r')) {
            q++;
          }
          offsets[i] = q;
          p = q + 1;
        } else {
          offsets[i] = p++;
        }
        continue;
      }
      while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
        p++;
      }
      if (p >= text.length()) {
        lost = true;
        i--;
        continue;
      }
      if (doubleQuoted && text.charAt(p) == '\\' && p + 1 < text.length()) {
        offsets[i] = p;
        p += escapeLength(text.charAt(p + 1));
      } else if (singleQuoted && c == '\'' && text.startsWith("''", p)) {
        offsets[i] = p;
        p += 2;
      } else if (text.charAt(p) == c) {
        offsets[i] = p++;
      } else {
        lost = true; // the value does not line up with the source; keep the last good place
        offsets[i] = p;
      }
    }
    return new ScalarPositions(lineStarts, offsets, Math.min(p, text.length()));
  }

  private static int skipEscapedLineBreaks(String text, int p) {
    while (p + 1 < text.length() && text.charAt(p) == '\\' && (text.charAt(p + 1) == '\n' || text.charAt(p + 1) == '\r')) {
      p += 2;
      while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
        p++;
      }
    }
    return p;
  }

  private static int escapeLength(char c) {
    return switch (c) {
      case 'x' -> 4;
      case 'u' -> 6;
      case 'U' -> 10;
      default -> 2;
    };
  }

  /** Where the value's character at {@code offset} is written; the end of the value for {@code offset} at or past its length. */
  public Position at(int offset) {
    int source = offset < offsets.length ? offsets[Math.max(0, offset)] : end;
    int line = java.util.Arrays.binarySearch(lineStarts, source);
    if (line < 0) {
      line = -line - 2;
    }
    return new Position(line + 1, source - lineStarts[line] + 1);
  }
}
