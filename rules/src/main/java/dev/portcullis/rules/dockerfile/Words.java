package dev.portcullis.rules.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits arguments into words as the builder does (quotes removed, the escape character honoured)
 * and substitutes {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}} and {@code
 * ${NAME:+alternative}} outside single quotes.
 */
final class Words {
  /** An opening quote with no closing one. */
  static final class UnterminatedQuote extends Exception {
    private static final long serialVersionUID = 1L;

    UnterminatedQuote(char quote) {
      super("unterminated " + quote + " quote");
    }
  }

  private final char escape;
  private final Map<String, String> vars;
  private final Set<String> unresolved;

  /** {@code vars} null means: do not substitute; names without a value are added to {@code unresolved}. */
  Words(char escape, Map<String, String> vars, Set<String> unresolved) {
    this.escape = escape;
    this.vars = vars;
    this.unresolved = unresolved;
  }

  List<String> split(String s, boolean substitute) throws UnterminatedQuote {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
        i++;
        continue;
      }
      inWord = true;
      if (c == escape && i + 1 < s.length()) {
        w.append(s.charAt(i + 1));
        i += 2;
      } else if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw new UnterminatedQuote('\'');
        }
        w.append(s, i + 1, end);
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == escape && i + 1 < s.length() && "\"$`\\".indexOf(s.charAt(i + 1)) >= 0) {
            w.append(s.charAt(i + 1));
            i += 2;
          } else if (d == '$' && substitute) {
            i = variable(s, i, w);
          } else {
            w.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new UnterminatedQuote('"');
        }
      } else if (c == '$' && substitute) {
        i = variable(s, i, w);
      } else {
        w.append(c);
        i++;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }

  /** Substitutes in {@code s} without splitting or removing quotes. */
  String substitute(String s) {
    StringBuilder w = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == escape && i + 1 < s.length() && s.charAt(i + 1) == '$') {
        w.append('$');
        i += 2;
      } else if (c == '$') {
        i = variable(s, i, w);
      } else {
        w.append(c);
        i++;
      }
    }
    return w.toString();
  }

  /** Reads the variable reference at {@code s[i] == '$'}, appends its value, returns the index after it. */
  private int variable(String s, int i, StringBuilder out) {
    int j = i + 1;
    if (j < s.length() && s.charAt(j) == '{') {
      int end = s.indexOf('}', j);
      if (end < 0) {
        out.append(s, i, s.length());
        return s.length();
      }
      String inner = s.substring(j + 1, end);
      int k = 0;
      while (k < inner.length() && (Character.isLetterOrDigit(inner.charAt(k)) || inner.charAt(k) == '_')) {
        k++;
      }
      String name = inner.substring(0, k);
      String op = inner.substring(k);
      String value = vars.get(name);
      if (op.startsWith(":-") || op.startsWith("-")) {
        String word = op.substring(op.indexOf('-') + 1);
        boolean useWord = value == null || (op.startsWith(":") && value.isEmpty());
        out.append(useWord ? substitute(word) : value);
      } else if (op.startsWith(":+") || op.startsWith("+")) {
        String word = op.substring(op.indexOf('+') + 1);
        boolean set = value != null && (!op.startsWith(":") || !value.isEmpty());
        out.append(set ? substitute(word) : "");
      } else {
        if (value == null) {
          unresolved.add(name);
        }
        out.append(value == null ? "" : value);
      }
      return end + 1;
    }
    int k = j;
    while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) {
      k++;
    }
    if (k == j) {
      out.append('$');
      return j;
    }
    String name = s.substring(j, k);
    String value = vars.get(name);
    if (value == null) {
      unresolved.add(name);
    }
    out.append(value == null ? "" : value);
    return k;
  }
}
