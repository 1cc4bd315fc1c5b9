package dev.portcullis.vuln.version.builtin;

import dev.portcullis.core.Ecosystem;
import dev.portcullis.vuln.version.ApkVersionScheme;
import dev.portcullis.vuln.version.CargoVersionScheme;
import dev.portcullis.vuln.version.ComposerVersionScheme;
import dev.portcullis.vuln.version.DebVersionScheme;
import dev.portcullis.vuln.version.GoVersionScheme;
import dev.portcullis.vuln.version.MavenVersionScheme;
import dev.portcullis.vuln.version.NuGetVersionScheme;
import dev.portcullis.vuln.version.Pep440VersionScheme;
import dev.portcullis.vuln.version.RpmVersionScheme;
import dev.portcullis.vuln.version.RubyGemsVersionScheme;
import dev.portcullis.vuln.version.SemVerScheme;
import dev.portcullis.vuln.version.VersionScheme;
import java.util.List;
import java.util.Optional;

/** The built-in version schemes, listed once, and the lookup from an ecosystem to its scheme. */
public final class VersionSchemes {
  private static final VersionScheme DPKG = new DebVersionScheme();
  private static final VersionScheme RPM = new RpmVersionScheme();
  private static final VersionScheme APK = new ApkVersionScheme();
  private static final VersionScheme SEMVER = new SemVerScheme();
  private static final VersionScheme MAVEN = new MavenVersionScheme();
  private static final VersionScheme PEP440 = new Pep440VersionScheme();
  private static final VersionScheme GO = new GoVersionScheme();
  private static final VersionScheme RUBYGEMS = new RubyGemsVersionScheme();
  private static final VersionScheme NUGET = new NuGetVersionScheme();
  private static final VersionScheme CARGO = new CargoVersionScheme();
  private static final VersionScheme COMPOSER = new ComposerVersionScheme();
  // OSV records write Go versions without their v, and shorten SemVer versions now and then
  private static final VersionScheme OSV_SEMVER = new OsvVersions(SEMVER, false);
  private static final VersionScheme OSV_GO = new OsvVersions(GO, true);
  private static final VersionScheme OSV_CARGO = new OsvVersions(CARGO, false);

  private VersionSchemes() {}

  /** Every built-in scheme, each name once. */
  public static List<VersionScheme> all() {
    return List.of(DPKG, RPM, APK, SEMVER, MAVEN, PEP440, GO, RUBYGEMS, NUGET, CARGO, COMPOSER);
  }

  /** The scheme that orders versions of {@code ecosystem}'s packages. */
  public static VersionScheme forEcosystem(Ecosystem ecosystem) {
    return switch (ecosystem) {
      case DEBIAN -> DPKG;
      case ALPINE -> APK;
      case RPM -> RPM;
      case MAVEN -> MAVEN;
      case NPM -> SEMVER;
      case PYPI -> PEP440;
      case GO -> GO;
      case CARGO -> CARGO;
      case RUBYGEMS -> RUBYGEMS;
      case NUGET -> NUGET;
      case COMPOSER -> COMPOSER;
      // PEAR's and WordPress plugins' versions follow PHP's version_compare, as Composer's do
      case PEAR, WORDPRESS_PLUGIN -> COMPOSER;
      // pacman's vercmp is rpmvercmp on [EPOCH:]PKGVER-PKGREL
      case ALPM -> RPM;
      // the nearest built-in to PMS's rules for numbers and -rN; its _alpha/_pre/_rc suffixes would sort after the release, but no feed is matched
      case PORTAGE -> RPM;
      // pub's and Hex's versions are SemVer 2 (pub_semver, Elixir's Version)
      case PUB, HEX -> SEMVER;
      // Swift Package Manager resolves SemVer tags; CocoaPods' versions are SemVer-like (Pod::Version), matched by no feed
      case SWIFT, COCOAPODS -> SEMVER;
      // Conan compares dot-separated parts, numbers as numbers, and keeps upstream letters (openssl 1.1.1t): dpkg's rule orders those alike
      case CONAN -> DPKG;
      // PVP versions are dotted numbers compared part by part, a prefix first (1.0 < 1.0.0): dpkg's rule on such strings
      case HACKAGE -> DPKG;
      // R's package_version is numbers joined by '.' or '-' (1.2-3); CRAN packages keep one style, which dpkg's rule orders alike
      case CRAN -> DPKG;
      // LuaRocks versions are VERSION-REVISION, numbers compared as numbers: dpkg's upstream-revision rule
      case LUAROCKS -> DPKG;
      // Nix's compareVersions and Homebrew's Version split numbers from letters and compare numbers as numbers, as dpkg's rule does
      case NIX, HOMEBREW -> DPKG;
      // Bitnami versions are SemVer with a package revision after '-' (17.2.0-8), which matching leaves out
      case BITNAMI -> SEMVER;
      // upstream release numbers of programs identified from their binaries (nginx 1.22.1, OpenSSL 3.0.15)
      case GENERIC -> SEMVER;
    };
  }

  /**
   * The scheme for an OSV {@code affected[].package.ecosystem} value such as {@code Debian:12},
   * {@code Alpine:v3.20} or {@code crates.io}; the release after the first {@code :} does not
   * matter. Empty for ecosystems Portcullis does not order. For Go, npm and crates.io the scheme
   * also takes the versions OSV records write: Go versions without their {@code v}, SemVer
   * versions shortened to {@code MAJOR} or {@code MAJOR.MINOR}.
   */
  public static Optional<VersionScheme> forOsvEcosystem(String osvName) {
    int colon = osvName.indexOf(':');
    String base = colon >= 0 ? osvName.substring(0, colon) : osvName;
    return Optional.ofNullable(switch (base) {
      case "Debian", "Ubuntu" -> DPKG;
      case "Alpine", "Wolfi", "Chainguard" -> APK;
      case "Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Mageia", "openEuler", "Photon OS" -> RPM;
      case "Maven" -> MAVEN;
      case "npm" -> OSV_SEMVER;
      case "PyPI" -> PEP440;
      case "Go" -> OSV_GO;
      case "crates.io" -> OSV_CARGO;
      case "RubyGems" -> RUBYGEMS;
      case "NuGet" -> NUGET;
      case "Packagist" -> COMPOSER;
      case "ConanCenter", "Hackage", "CRAN" -> DPKG;
      case "Bitnami", "Pub", "Hex", "SwiftURL" -> OSV_SEMVER;
      default -> null;
    });
  }
}
