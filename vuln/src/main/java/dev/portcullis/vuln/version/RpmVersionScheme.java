package dev.portcullis.vuln.version;

import java.util.Optional;

/**
 * RPM versions written {@code [epoch:]version[-release]}, ordered as rpm's {@code rpmvercmp} and
 * {@code rpm.vercmp} order them: epoch (missing is 0), then version, then release, a missing release
 * sorting before any release (rpm 4.18: {@code 1.0 < 1.0-5}); alphanumeric segments, digits above letters, {@code ~} before everything and {@code ^} after
 * the end of the string but before any further segment.
 */
public final class RpmVersionScheme implements VersionScheme {
  private static final String NAME = "rpm";

  private record Evr(String epoch, String version, Optional<String> release) implements Comparable<Evr> {
    @Override
    public int compareTo(Evr y) {
      int c = Digits.compare(epoch, y.epoch);
      if (c != 0) {
        return c;
      }
      c = vercmp(version, y.version);
      if (c != 0 || release.isEmpty() && y.release.isEmpty()) {
        return c;
      }
      if (release.isEmpty() || y.release.isEmpty()) {
        return release.isEmpty() ? -1 : 1;
      }
      return vercmp(release.get(), y.release.get());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, read(raw));
  }

  private static Evr read(String v) throws InvalidVersionException {
    if (v.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "empty");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new InvalidVersionException(NAME, v, "whitespace, control or non-ASCII character at " + i);
      }
    }
    int i = 0;
    while (i < v.length() && Digits.isDigit(v.charAt(i))) {
      i++;
    }
    String epoch = "0";
    String rest = v;
    if (i < v.length() && v.charAt(i) == ':') {
      epoch = i == 0 ? "0" : v.substring(0, i);
      rest = v.substring(i + 1);
    }
    int dash = rest.lastIndexOf('-');
    Optional<String> release = Optional.empty();
    String version = rest;
    if (dash >= 0) {
      version = rest.substring(0, dash);
      release = Optional.of(rest.substring(dash + 1));
      if (release.get().isEmpty()) {
        throw new InvalidVersionException(NAME, v, "release after '-' is empty");
      }
    }
    if (version.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "version is empty");
    }
    if (version.indexOf(':') >= 0 || release.map(r -> r.indexOf(':') >= 0).orElse(false)) {
      throw new InvalidVersionException(NAME, v, "':' outside the epoch");
    }
    return new Evr(epoch, version, release);
  }

  private static boolean isAlnum(char c) {
    return Digits.isDigit(c) || Digits.isAsciiLetter(c);
  }

  /** rpm's segment comparison of one version or release string. */
  static int vercmp(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while (i < a.length() && !isAlnum(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') {
        i++;
      }
      while (j < b.length() && !isAlnum(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') {
        j++;
      }
      char ca = i < a.length() ? a.charAt(i) : 0;
      char cb = j < b.length() ? b.charAt(j) : 0;
      if (ca == '~' || cb == '~') {
        if (ca != '~') {
          return 1;
        }
        if (cb != '~') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (ca == '^' || cb == '^') {
        if (ca == 0) {
          return -1;
        }
        if (cb == 0) {
          return 1;
        }
        if (ca != '^') {
          return 1;
        }
        if (cb != '^') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (ca == 0 || cb == 0) {
        break;
      }
      int si = i;
      int sj = j;
      boolean numeric = Digits.isDigit(ca);
      if (numeric) {
        while (i < a.length() && Digits.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Digits.isDigit(b.charAt(j))) {
          j++;
        }
      } else {
        while (i < a.length() && Digits.isAsciiLetter(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Digits.isAsciiLetter(b.charAt(j))) {
          j++;
        }
      }
      if (j == sj) {
        // segments of different types: the numeric one is newer
        return numeric ? 1 : -1;
      }
      String sa = a.substring(si, i);
      String sb = b.substring(sj, j);
      int c = numeric ? Digits.compare(sa, sb) : Integer.signum(sa.compareTo(sb));
      if (c != 0) {
        return c;
      }
    }
    boolean endA = i >= a.length();
    boolean endB = j >= b.length();
    if (endA && endB) {
      return 0;
    }
    return endA ? -1 : 1;
  }
}
