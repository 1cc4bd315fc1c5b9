package dev.portcullis.vuln.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packagist (Composer) versions, normalised as Composer's {@code VersionParser} does ({@code v}
 * prefix dropped, four numeric parts, stability suffixes spelled out) and then ordered as PHP's
 * {@code version_compare} orders the normal forms: {@code dev < alpha < beta < RC <} stable
 * {@code < patch}. Branch names ({@code dev-main}, {@code 1.x-dev}) have no order and are refused.
 */
public final class ComposerVersionScheme implements VersionScheme {
  private static final String NAME = "composer";
  private static final String MODIFIER =
      "[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";
  private static final Pattern BUILD = Pattern.compile("([^,\\s+]++)\\+\\S++");
  private static final Pattern CLASSICAL =
      Pattern.compile("v?(\\d{1,5})(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER);
  private static final Pattern DATE =
      Pattern.compile("v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})" + MODIFIER);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, new Normal(normalize(raw)));
  }

  /** A version's normal form, ordered by PHP's {@code version_compare}. */
  private record Normal(String form) implements Comparable<Normal> {
    @Override
    public int compareTo(Normal other) {
      return versionCompare(form, other.form);
    }
  }

  /** Composer's normal form, such as {@code 1.2.0.0-beta2} or {@code 2.0.0.0-dev}. */
  static String normalize(String v) throws InvalidVersionException {
    String s = v.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "empty");
    }
    if (s.startsWith("dev-") || s.equals("master") || s.equals("trunk") || s.equals("default")) {
      throw new InvalidVersionException(NAME, v, "a branch, not a version");
    }
    Matcher build = BUILD.matcher(s);
    if (build.matches()) {
      s = build.group(1);
    }
    Matcher m = CLASSICAL.matcher(s);
    String version;
    int modifier;
    if (m.matches()) {
      version = m.group(1)
          + (m.group(2) != null ? m.group(2) : ".0")
          + (m.group(3) != null ? m.group(3) : ".0")
          + (m.group(4) != null ? m.group(4) : ".0");
      modifier = 5;
    } else {
      m = DATE.matcher(s);
      if (!m.matches()) {
        throw new InvalidVersionException(NAME, v, "not a Composer version");
      }
      version = m.group(1).replaceAll("\\D", ".");
      modifier = 2;
    }
    if (m.group(modifier) != null && !m.group(modifier).equals("stable")) {
      String stability = switch (m.group(modifier)) {
        case "a" -> "alpha";
        case "b" -> "beta";
        case "p", "pl" -> "patch";
        case "rc" -> "RC";
        default -> m.group(modifier);
      };
      String number = m.group(modifier + 1) == null ? "" : m.group(modifier + 1).replaceFirst("^[.-]+", "");
      version = version + "-" + stability + number;
    }
    if (m.group(modifier + 2) != null) {
      version = version + "-dev";
    }
    return version;
  }

  /** PHP's {@code version_compare} on two normal forms. */
  static int versionCompare(String a, String b) {
    List<String> x = canonicalParts(a);
    List<String> y = canonicalParts(b);
    int n = Math.min(x.size(), y.size());
    for (int i = 0; i < n; i++) {
      int c = comparePart(x.get(i), y.get(i));
      if (c != 0) {
        return c;
      }
    }
    if (x.size() > n) {
      String rest = x.get(n);
      return Digits.isDigit(rest.charAt(0)) ? 1 : Integer.signum(Integer.compare(special(rest), special("#")));
    }
    if (y.size() > n) {
      String rest = y.get(n);
      return Digits.isDigit(rest.charAt(0)) ? -1 : Integer.signum(Integer.compare(special("#"), special(rest)));
    }
    return 0;
  }

  private static int comparePart(String a, String b) {
    boolean na = Digits.isDigit(a.charAt(0));
    boolean nb = Digits.isDigit(b.charAt(0));
    if (na && nb) {
      return Digits.compare(a, b);
    }
    return Integer.signum(Integer.compare(na ? special("#") : special(a), nb ? special("#") : special(b)));
  }

  /** PHP's rank of a non-numeric part, matched by prefix: dev, alpha/a, beta/b, RC/rc, number, pl/p; else lowest. */
  private static int special(String part) {
    String[][] forms = {{"dev", "0"}, {"alpha", "1"}, {"a", "1"}, {"beta", "2"}, {"b", "2"},
        {"RC", "3"}, {"rc", "3"}, {"#", "4"}, {"pl", "5"}, {"p", "5"}};
    for (String[] form : forms) {
      if (part.startsWith(form[0])) {
        return Integer.parseInt(form[1]);
      }
    }
    return -1;
  }

  /** Splits as PHP canonicalises: at {@code . - _ +}, other punctuation, and digit/non-digit boundaries. */
  private static List<String> canonicalParts(String v) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean separator = !Character.isLetterOrDigit(c);
      if (separator) {
        if (!current.isEmpty()) {
          parts.add(current.toString());
          current.setLength(0);
        }
        continue;
      }
      if (!current.isEmpty() && Digits.isDigit(c) != Digits.isDigit(current.charAt(current.length() - 1))) {
        parts.add(current.toString());
        current.setLength(0);
      }
      current.append(c);
    }
    if (!current.isEmpty()) {
      parts.add(current.toString());
    }
    return parts;
  }
}
