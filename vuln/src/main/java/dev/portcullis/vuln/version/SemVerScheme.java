package dev.portcullis.vuln.version;

/**
 * Semantic Versioning 2.0.0 as npm's {@code semver} package orders it ({@code semver.compare}):
 * strict syntax, an optional leading {@code v}, surrounding whitespace ignored, build metadata
 * ignored for ordering.
 */
public final class SemVerScheme implements VersionScheme {
  private static final String NAME = "semver";
  /** npm's semver refuses longer strings. */
  private static final int MAX_LENGTH = 256;
  /** npm's semver refuses numbers above {@code Number.MAX_SAFE_INTEGER}. */
  private static final long MAX_SAFE_INTEGER = 9007199254740991L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, read(raw));
  }

  private static SemVer read(String v) throws InvalidVersionException {
    if (v.length() > MAX_LENGTH) {
      throw new InvalidVersionException(NAME, v.substring(0, 40) + "...", "longer than " + MAX_LENGTH + " characters");
    }
    String s = v.strip();
    if (s.startsWith("v")) {
      s = s.substring(1);
    }
    SemVer parsed = SemVer.parse(NAME, v, s);
    for (String n : new String[] {parsed.major(), parsed.minor(), parsed.patch()}) {
      if (n.length() > 16 || Long.parseLong(n) > MAX_SAFE_INTEGER) {
        throw new InvalidVersionException(NAME, v, "number " + n + " is above 2^53-1");
      }
    }
    return parsed;
  }
}
