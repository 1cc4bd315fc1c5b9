package dev.portcullis.vuln.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Alpine (and Wolfi, Chainguard) package versions, {@code digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN}},
 * ordered as apk-tools orders them: {@code _alpha < _beta < _pre < _rc <} no suffix {@code < _cvs <
 * _svn < _git < _hg < _p}; a digit run after a dot with a leading zero compares as a string; a
 * version that runs out first is older unless the other continues with a pre-release suffix.
 */
public final class ApkVersionScheme implements VersionScheme {
  private static final String NAME = "apk";
  private static final List<String> SUFFIXES =
      List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");
  private static final int NO_SUFFIX = 4;

  /** Token kinds in the order apk-tools ranks them; a version may only move forward through them. */
  private enum Kind { INITIAL_DIGIT, DIGIT, LETTER, SUFFIX, SUFFIX_NO, COMMIT_HASH, REVISION_NO, END }

  private record Token(Kind kind, String text, int suffix) {}

  /** A version's tokens, the last one {@link Kind#END}. */
  private record Tokens(List<Token> tokens) implements Comparable<Tokens> {
    @Override
    public int compareTo(Tokens other) {
      int n = 0;
      while (true) {
        Token ta = tokens.get(n);
        Token tb = other.tokens.get(n);
        if (ta.kind() != tb.kind() || ta.kind() == Kind.END) {
          if (ta.kind() == tb.kind()) {
            return 0;
          }
          if (ta.kind() == Kind.SUFFIX && ta.suffix() < NO_SUFFIX) {
            return -1;
          }
          if (tb.kind() == Kind.SUFFIX && tb.suffix() < NO_SUFFIX) {
            return 1;
          }
          return ta.kind().compareTo(tb.kind()) > 0 ? -1 : 1;
        }
        int c = compareToken(ta, tb);
        if (c != 0) {
          return c;
        }
        n++;
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, new Tokens(tokens(raw)));
  }

  private static int compareToken(Token a, Token b) {
    return switch (a.kind()) {
      case DIGIT -> a.text().charAt(0) == '0' || b.text().charAt(0) == '0'
          ? Integer.signum(a.text().compareTo(b.text()))
          : Digits.compare(a.text(), b.text());
      case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO -> Digits.compare(a.text(), b.text());
      case LETTER -> Character.compare(a.text().charAt(0), b.text().charAt(0));
      case SUFFIX -> Integer.compare(a.suffix(), b.suffix());
      case COMMIT_HASH, END -> Integer.signum(a.text().compareTo(b.text()));
    };
  }

  private static List<Token> tokens(String v) throws InvalidVersionException {
    List<Token> out = new ArrayList<>();
    int i = digitsEnd(v, 0);
    if (i == 0) {
      throw new InvalidVersionException(NAME, v, "does not start with a digit");
    }
    out.add(new Token(Kind.INITIAL_DIGIT, v.substring(0, i), 0));
    Kind last = Kind.INITIAL_DIGIT;
    while (i < v.length()) {
      char c = v.charAt(i);
      Kind kind;
      int start;
      int suffix = 0;
      if (c >= 'a' && c <= 'z') {
        require(v, last.compareTo(Kind.DIGIT) <= 0, "letter '" + c + "' after " + describe(last));
        kind = Kind.LETTER;
        start = i;
        i++;
      } else if (c == '.' || Digits.isDigit(c)) {
        if (c == '.') {
          require(v, last.compareTo(Kind.DIGIT) <= 0, "'.' after " + describe(last));
          i++;
        }
        if (last == Kind.INITIAL_DIGIT || last == Kind.DIGIT) {
          kind = Kind.DIGIT;
        } else {
          require(v, last == Kind.SUFFIX, "digits after " + describe(last));
          kind = Kind.SUFFIX_NO;
        }
        start = i;
        i = digitsEnd(v, i);
        require(v, i > start, "no digits after '.'");
      } else if (c == '_') {
        require(v, last.compareTo(Kind.SUFFIX_NO) <= 0, "suffix after " + describe(last));
        start = ++i;
        while (i < v.length() && v.charAt(i) >= 'a' && v.charAt(i) <= 'z') {
          i++;
        }
        suffix = SUFFIXES.indexOf(v.substring(start, i));
        require(v, suffix >= 0 && suffix != NO_SUFFIX, "unknown suffix '_" + v.substring(start, i) + "'");
        kind = Kind.SUFFIX;
      } else if (c == '~') {
        require(v, last.compareTo(Kind.COMMIT_HASH) < 0, "'~' after " + describe(last));
        start = ++i;
        while (i < v.length() && (Digits.isDigit(v.charAt(i)) || (v.charAt(i) >= 'a' && v.charAt(i) <= 'f'))) {
          i++;
        }
        require(v, i > start, "'~' without a hexadecimal commit hash");
        kind = Kind.COMMIT_HASH;
      } else if (c == '-') {
        require(v, last.compareTo(Kind.REVISION_NO) < 0, "second revision");
        require(v, v.startsWith("-r", i), "'-' not followed by 'r'");
        i += 2;
        start = i;
        i = digitsEnd(v, i);
        require(v, i > start, "'-r' without a number");
        kind = Kind.REVISION_NO;
      } else {
        throw new InvalidVersionException(NAME, v, "unexpected character '" + c + "' at " + i);
      }
      out.add(new Token(kind, v.substring(start, i), suffix));
      last = kind;
    }
    out.add(new Token(Kind.END, "", 0));
    return List.copyOf(out);
  }

  private static String describe(Kind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private static int digitsEnd(String v, int from) {
    int i = from;
    while (i < v.length() && Digits.isDigit(v.charAt(i))) {
      i++;
    }
    return i;
  }

  private static void require(String v, boolean ok, String reason) throws InvalidVersionException {
    if (!ok) {
      throw new InvalidVersionException(NAME, v, reason);
    }
  }
}
