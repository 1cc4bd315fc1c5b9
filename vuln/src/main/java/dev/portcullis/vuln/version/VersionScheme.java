package dev.portcullis.vuln.version;

import java.util.Comparator;

/**
 * How one ecosystem orders its version strings, exactly as the ecosystem's own tool does
 * ({@code dpkg --compare-versions}, rpm's {@code rpmvercmp}, npm's {@code semver}, Python's
 * {@code packaging}, Maven's {@code ComparableVersion}...). One class per scheme; every matcher and
 * the OSV range evaluation go through this interface and never compare version strings themselves.
 */
public interface VersionScheme {
  /** Stable kebab-case name ({@code dpkg}, {@code rpm}, {@code apk}, {@code semver}, {@code maven}, {@code pep440}, {@code go}, {@code rubygems}, {@code nuget}, {@code cargo}, {@code composer}). */
  String name();

  /**
   * Negative, zero or positive as {@code a} sorts before, with or after {@code b}.
   *
   * @throws InvalidVersionException when either is not a version of this scheme, saying which and why
   */
  int compare(String a, String b) throws InvalidVersionException;

  /** Whether {@code version} is a version of this scheme. */
  default boolean isValid(String version) {
    try {
      compare(version, version);
      return true;
    } catch (InvalidVersionException e) {
      return false;
    }
  }

  /** This scheme as a comparator of valid versions; an invalid one throws {@link IllegalArgumentException}. */
  default Comparator<String> comparator() {
    return (a, b) -> {
      try {
        return compare(a, b);
      } catch (InvalidVersionException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    };
  }
}
