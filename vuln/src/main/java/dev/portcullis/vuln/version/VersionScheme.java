package dev.portcullis.vuln.version;

import java.util.Optional;

/**
 * How one ecosystem reads and orders its version strings, exactly as the ecosystem's own tool does
 * ({@code dpkg --compare-versions}, rpm's {@code rpmvercmp}, npm's {@code semver}, Python's
 * {@code packaging}, Maven's {@code ComparableVersion}...). One class per scheme; every matcher and
 * the OSV range evaluation parse versions through this interface and compare the {@link Version}s,
 * never the strings.
 */
public interface VersionScheme {
  /** Stable kebab-case name ({@code dpkg}, {@code rpm}, {@code apk}, {@code semver}, {@code maven}, {@code pep440}, {@code go}, {@code rubygems}, {@code nuget}, {@code cargo}, {@code composer}). */
  String name();

  /**
   * {@code raw} read as a version of this scheme; it prints as {@code raw}.
   *
   * @throws InvalidVersionException when {@code raw} is not a version of this scheme, saying why
   */
  Version parse(String raw) throws InvalidVersionException;

  /** {@code raw} read as a version of this scheme; empty when it is not one, for callers that need no reason. */
  default Optional<Version> tryParse(String raw) {
    try {
      return Optional.of(parse(raw));
    } catch (InvalidVersionException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code raw} is a version of this scheme. */
  default boolean isValid(String raw) {
    return tryParse(raw).isPresent();
  }
}
