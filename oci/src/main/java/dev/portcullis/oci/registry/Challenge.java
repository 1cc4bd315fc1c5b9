package dev.portcullis.oci.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 9110 §11.6.1): a scheme,
 * lower-cased, and its parameters with lower-cased names ({@code realm}, {@code service}, {@code scope}).
 */
record Challenge(String scheme, Map<String, String> params) {
  static final String BEARER = "bearer";
  static final String BASIC = "basic";

  Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  boolean isBearer() {
    return scheme.equals(BEARER);
  }

  boolean isBasic() {
    return scheme.equals(BASIC);
  }

  /**
   * The challenge a registry client should answer among all those of the given header values:
   * Bearer with a realm first, then Basic. Empty when there is none it can answer.
   */
  static Optional<Challenge> preferred(List<String> headerValues) {
    List<Challenge> all = new ArrayList<>();
    for (String v : headerValues) {
      all.addAll(parse(v));
    }
    Optional<Challenge> bearer = all.stream().filter(c -> c.isBearer() && c.param("realm").isPresent()).findFirst();
    return bearer.isPresent() ? bearer : all.stream().filter(Challenge::isBasic).findFirst();
  }

  /** Every challenge in one header value, in order; malformed tails are dropped, never thrown. */
  static List<Challenge> parse(String header) {
    List<Challenge> out = new ArrayList<>();
    Scanner s = new Scanner(header);
    while (true) {
      s.skipSeparators();
      if (s.atEnd()) {
        return out;
      }
      String scheme = s.token();
      if (scheme.isEmpty()) {
        // a stray character: skip it rather than loop forever
        s.pos++;
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        s.skipWhitespace();
        int start = s.pos;
        String name = s.token();
        s.skipWhitespace();
        if (name.isEmpty() || !s.peek('=')) {
          // not a parameter: the next challenge starts here (or a token68, which registries do not send)
          s.pos = start;
          break;
        }
        s.pos++;
        s.skipWhitespace();
        String value = s.peek('"') ? s.quoted() : s.token();
        params.put(name.toLowerCase(Locale.ROOT), value);
        s.skipWhitespace();
        if (s.peek(',')) {
          s.pos++;
        } else {
          break;
        }
      }
      out.add(new Challenge(scheme, params));
    }
  }

  private static final class Scanner {
    private final String text;
    private int pos;

    Scanner(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    void skipWhitespace() {
      while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
    }

    void skipSeparators() {
      while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == ',')) {
        pos++;
      }
    }

    /** An RFC 9110 token: anything up to whitespace, a comma, an equals sign or a quote. */
    String token() {
      int start = pos;
      while (pos < text.length() && " \t,=\"".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    /** A quoted string starting at the current quote, with backslash escapes undone; an unterminated one runs to the end. */
    String quoted() {
      StringBuilder out = new StringBuilder();
      pos++;
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && pos < text.length()) {
          c = text.charAt(pos++);
        }
        out.append(c);
      }
      return out.toString();
    }
  }
}
