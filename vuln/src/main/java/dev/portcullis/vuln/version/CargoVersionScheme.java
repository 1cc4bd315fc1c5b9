package dev.portcullis.vuln.version;

/**
 * Cargo (crates.io) versions: strict Semantic Versioning 2.0.0, no {@code v} prefix, build metadata
 * ignored for ordering as SemVer precedence (and OSV's {@code SEMVER} ranges) require.
 */
public final class CargoVersionScheme implements VersionScheme {
  private static final String NAME = "cargo";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Version parse(String raw) throws InvalidVersionException {
    return Version.of(this, raw, SemVer.parse(NAME, raw, raw));
  }
}
