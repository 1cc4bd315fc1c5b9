package dev.portcullis.vuln.version;

import java.util.List;

/**
 * A parsed Semantic Versioning 2.0.0 version; precedence ignores build metadata. Shared by the
 * schemes whose ecosystems follow SemVer (npm, Cargo, Go modules).
 */
record SemVer(String major, String minor, String patch, List<String> prerelease) implements Comparable<SemVer> {

  /** Parses {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]} strictly (no leading zeros in numbers). */
  static SemVer parse(String scheme, String original, String v) throws InvalidVersionException {
    int plus = v.indexOf('+');
    String core = v;
    if (plus >= 0) {
      String build = v.substring(plus + 1);
      for (String id : build.split("\\.", -1)) {
        if (id.isEmpty() || !isIdentifier(id)) {
          throw new InvalidVersionException(scheme, original, "invalid build metadata '" + build + "'");
        }
      }
      core = v.substring(0, plus);
    }
    int dash = core.indexOf('-');
    List<String> pre = List.of();
    if (dash >= 0) {
      String text = core.substring(dash + 1);
      pre = List.of(text.split("\\.", -1));
      for (String id : pre) {
        if (id.isEmpty() || !isIdentifier(id)) {
          throw new InvalidVersionException(scheme, original, "invalid pre-release '" + text + "'");
        }
        if (Digits.allDigits(id) && id.length() > 1 && id.charAt(0) == '0') {
          throw new InvalidVersionException(scheme, original, "numeric pre-release identifier '" + id + "' has a leading zero");
        }
      }
      core = core.substring(0, dash);
    }
    String[] parts = core.split("\\.", -1);
    if (parts.length != 3) {
      throw new InvalidVersionException(scheme, original, "needs MAJOR.MINOR.PATCH");
    }
    for (String p : parts) {
      if (!Digits.allDigits(p)) {
        throw new InvalidVersionException(scheme, original, "'" + p + "' is not a number");
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        throw new InvalidVersionException(scheme, original, "'" + p + "' has a leading zero");
      }
    }
    return new SemVer(parts[0], parts[1], parts[2], pre);
  }

  static boolean isIdentifier(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!Digits.isDigit(c) && !Digits.isAsciiLetter(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** SemVer 2.0.0 precedence (section 11). */
  @Override
  public int compareTo(SemVer o) {
    int c = Digits.compare(major, o.major);
    if (c == 0) {
      c = Digits.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Digits.compare(patch, o.patch);
    }
    return c != 0 ? c : comparePrerelease(prerelease, o.prerelease, false);
  }

  /** Identifier lists: none ranks above any; numeric below alphanumeric; a longer list above its prefix. */
  static int comparePrerelease(List<String> a, List<String> b, boolean ignoreCase) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean nx = Digits.allDigits(x);
      boolean ny = Digits.allDigits(y);
      int c;
      if (nx && ny) {
        c = Digits.compare(x, y);
      } else if (nx || ny) {
        c = nx ? -1 : 1;
      } else {
        c = Integer.signum(ignoreCase ? x.compareToIgnoreCase(y) : x.compareTo(y));
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
