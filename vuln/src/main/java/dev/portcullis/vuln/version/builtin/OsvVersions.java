package dev.portcullis.vuln.version.builtin;

import dev.portcullis.vuln.version.InvalidVersionException;
import dev.portcullis.vuln.version.Version;
import dev.portcullis.vuln.version.VersionScheme;
import java.util.regex.Pattern;

/**
 * A scheme as OSV records use it: they write Go versions without the {@code v} every Go module
 * version carries, and GitHub's advisories sometimes shorten SemVer versions ({@code 1.0} for
 * {@code 1.0.0}, as in node-fetch's range). Such versions are completed before the scheme reads
 * them, and print as written; full versions are read unchanged. Its versions order only among themselves.
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
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, scheme.parse(complete(raw)));
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
