package dev.portcullis.vuln.version;

/**
 * Go module versions as {@code golang.org/x/mod/semver} orders them: a {@code v} prefix, SemVer
 * precedence, the shorthands {@code vMAJOR} and {@code vMAJOR.MINOR} meaning {@code .0}, build
 * metadata such as {@code +incompatible} ignored. Pseudo-versions
 * ({@code v0.0.0-20191109021931-daa7c04131f5}) need no rule of their own: they are pre-releases.
 */
public final class GoVersionScheme implements VersionScheme {
  private static final String NAME = "go";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, read(raw));
  }

  private static SemVer read(String v) throws InvalidVersionException {
    if (!v.startsWith("v")) {
      throw new InvalidVersionException(NAME, v, "does not start with 'v'");
    }
    String s = v.substring(1);
    if (Digits.allDigits(s)) {
      s = s + ".0.0";
    } else {
      int dot = s.indexOf('.');
      if (dot > 0 && Digits.allDigits(s.substring(0, dot)) && Digits.allDigits(s.substring(dot + 1))) {
        s = s + ".0";
      }
    }
    return SemVer.parse(NAME, v, s);
  }
}
