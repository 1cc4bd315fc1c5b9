package dev.portcullis.vuln.version;

import java.util.ArrayList;
import java.util.List;

/**
 * RubyGems versions as {@code Gem::Version} orders them: segments of digits or of letters, any
 * letter making a pre-release that sorts before the release ({@code 1.0.a < 1.0}), {@code -}
 * meaning {@code .pre.}, trailing zero segments ignored.
 */
public final class RubyGemsVersionScheme implements VersionScheme {
  private static final String NAME = "rubygems";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, new Canonical(canonical(raw)));
  }

  /** The canonical segments, each a {@link Numeral} or a string of letters. */
  private record Canonical(List<Object> segments) implements Comparable<Canonical> {
    private static final Numeral ZERO = new Numeral("0");

    @Override
    public int compareTo(Canonical other) {
      List<Object> x = segments;
      List<Object> y = other.segments;
      for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
        Object l = i < x.size() ? x.get(i) : ZERO;
        Object r = i < y.size() ? y.get(i) : ZERO;
        int c;
        if (l instanceof Numeral ln && r instanceof Numeral rn) {
          c = Digits.compare(ln.digits(), rn.digits());
        } else if (l instanceof String ls && r instanceof String rs) {
          c = Integer.signum(ls.compareTo(rs));
        } else {
          c = l instanceof Numeral ? 1 : -1;
        }
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }

  /** A numeric segment, kept as its digits so no size overflows. */
  private record Numeral(String digits) {
    Numeral {
      digits = Digits.stripLeadingZeros(digits);
    }

    boolean isZero() {
      return digits.isEmpty();
    }
  }

  /** The segments with trailing zeros dropped from the numeric head and from the rest separately. */
  private static List<Object> canonical(String v) throws InvalidVersionException {
    String s = v.strip();
    validate(v, s);
    s = s.replace("-", ".pre.");
    List<Object> segments = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int start = i;
      if (Digits.isDigit(c)) {
        while (i < s.length() && Digits.isDigit(s.charAt(i))) {
          i++;
        }
        segments.add(new Numeral(s.substring(start, i)));
      } else if (Digits.isAsciiLetter(c)) {
        while (i < s.length() && Digits.isAsciiLetter(s.charAt(i))) {
          i++;
        }
        segments.add(s.substring(start, i));
      } else {
        i++;
      }
    }
    int firstString = 0;
    while (firstString < segments.size() && segments.get(firstString) instanceof Numeral) {
      firstString++;
    }
    List<Object> head = trimZeros(segments.subList(0, firstString));
    List<Object> tail = trimZeros(segments.subList(firstString, segments.size()));
    List<Object> out = new ArrayList<>(head);
    out.addAll(tail);
    return List.copyOf(out);
  }

  private static List<Object> trimZeros(List<Object> segments) {
    int end = segments.size();
    while (end > 0 && segments.get(end - 1) instanceof Numeral n && n.isZero()) {
      end--;
    }
    return segments.subList(0, end);
  }

  /** {@code Gem::Version}'s pattern: digits, then dot-separated alphanumerics, then an optional dash part. */
  private static void validate(String original, String s) throws InvalidVersionException {
    if (s.isEmpty()) {
      throw new InvalidVersionException(NAME, original, "empty");
    }
    int i = 0;
    while (i < s.length() && Digits.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new InvalidVersionException(NAME, original, "does not start with a digit");
    }
    while (i < s.length() && s.charAt(i) == '.') {
      int start = ++i;
      while (i < s.length() && (Digits.isDigit(s.charAt(i)) || Digits.isAsciiLetter(s.charAt(i)))) {
        i++;
      }
      if (i == start) {
        throw new InvalidVersionException(NAME, original, "empty segment after '.'");
      }
    }
    if (i < s.length() && s.charAt(i) == '-') {
      String tail = s.substring(i + 1);
      for (String part : tail.split("\\.", -1)) {
        if (part.isEmpty() || !SemVer.isIdentifier(part)) {
          throw new InvalidVersionException(NAME, original, "invalid pre-release part '" + tail + "'");
        }
      }
      return;
    }
    if (i < s.length()) {
      throw new InvalidVersionException(NAME, original, "unexpected character '" + s.charAt(i) + "' at " + i);
    }
  }
}
