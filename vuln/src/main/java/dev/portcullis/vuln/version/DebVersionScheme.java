package dev.portcullis.vuln.version;

/**
 * Debian package versions ({@code [epoch:]upstream[-revision]}) ordered as {@code dpkg
 * --compare-versions} orders them: {@code ~} sorts before everything, even the end of the string,
 * letters before other characters, runs of digits by value, and a missing revision equals {@code 0}.
 */
public final class DebVersionScheme implements VersionScheme {
  private static final String NAME = "dpkg";

  private record Parsed(String epoch, String upstream, String revision) implements Comparable<Parsed> {
    @Override
    public int compareTo(Parsed y) {
      int c = Digits.compare(epoch, y.epoch);
      if (c != 0) {
        return c;
      }
      c = compareFragment(upstream, y.upstream);
      return c != 0 ? c : compareFragment(revision, y.revision);
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

  private static Parsed read(String v) throws InvalidVersionException {
    String s = v.strip();
    if (s.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "empty");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        throw new InvalidVersionException(NAME, v, "embedded whitespace");
      }
    }
    String epoch = "0";
    String rest = s;
    int colon = s.indexOf(':');
    if (colon >= 0) {
      epoch = s.substring(0, colon);
      if (!Digits.allDigits(epoch)) {
        throw new InvalidVersionException(NAME, v, "epoch is not a number");
      }
      rest = s.substring(colon + 1);
    }
    String upstream = rest;
    String revision = "";
    int dash = rest.lastIndexOf('-');
    if (dash >= 0) {
      upstream = rest.substring(0, dash);
      revision = rest.substring(dash + 1);
      if (revision.isEmpty()) {
        throw new InvalidVersionException(NAME, v, "revision is empty");
      }
    }
    if (upstream.isEmpty()) {
      throw new InvalidVersionException(NAME, v, "upstream version is empty");
    }
    if (!Digits.isDigit(upstream.charAt(0))) {
      throw new InvalidVersionException(NAME, v, "upstream version does not start with a digit");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!Digits.isDigit(c) && !Digits.isAsciiLetter(c) && ".-+~:".indexOf(c) < 0) {
        throw new InvalidVersionException(NAME, v, "invalid character '" + c + "' in upstream version");
      }
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!Digits.isDigit(c) && !Digits.isAsciiLetter(c) && ".+~".indexOf(c) < 0) {
        throw new InvalidVersionException(NAME, v, "invalid character '" + c + "' in revision");
      }
    }
    return new Parsed(epoch, upstream, revision);
  }

  /** Weight of a non-digit character: {@code ~} lowest, then the end of the string, letters, the rest. */
  private static int order(String s, int i) {
    if (i >= s.length()) {
      return 0;
    }
    char c = s.charAt(i);
    if (Digits.isDigit(c)) {
      return 0;
    }
    if (Digits.isAsciiLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  private static int compareFragment(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !Digits.isDigit(a.charAt(i)))
          || (j < b.length() && !Digits.isDigit(b.charAt(j)))) {
        int c = Integer.compare(order(a, i), order(b, j));
        if (c != 0) {
          return c;
        }
        i++;
        j++;
      }
      int si = i;
      int sj = j;
      while (i < a.length() && Digits.isDigit(a.charAt(i))) {
        i++;
      }
      while (j < b.length() && Digits.isDigit(b.charAt(j))) {
        j++;
      }
      int c = Digits.compare(a.substring(Math.min(si, a.length()), Math.min(i, a.length())),
          b.substring(Math.min(sj, b.length()), Math.min(j, b.length())));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
