package dev.portcullis.vuln.version;

import java.util.regex.Pattern;

/**
 * A scheme as OSV records use it: they write Go versions without the {@code v} every Go module
 * version carries, and GitHub's advisories sometimes shorten SemVer versions ({@code 1.0} for
 * {@code 1.0.0}, as in node-fetch's range). Such versions are completed before the scheme compares
 * them; full versions are compared unchanged.
 */
final class OsvVersions implements VersionScheme {
  private static final Pattern SHORT = Pattern.compile("(v?)(\\d+)(?:\\.(\\d+))?((?:[-+].*)?)");
  private final VersionScheme scheme;
  private final boolean goPrefix;

  OsvVersions(VersionScheme scheme, boolean goPrefix) {
    this.scheme = scheme;
    this.goPrefix = goPrefix;
  }

  @Override
  public String name() {
    return scheme.name();
  }

  @Override
  public int compare(String a, String b) throws InvalidVersionException {
    return scheme.compare(complete(a), complete(b));
  }

  private String complete(String version) {
    String v = version;
    var m = SHORT.matcher(v);
    if (m.matches()) {
      v = m.group(1) + m.group(2) + "." + (m.group(3) == null ? "0" : m.group(3)) + ".0" + m.group(4);
    }
    return goPrefix && !v.startsWith("v") ? "v" + v : v;
  }
}
