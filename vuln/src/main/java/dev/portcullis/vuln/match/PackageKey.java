package dev.portcullis.vuln.match;

import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a package is looked up by in the database: the OSV ecosystem (with the distribution's
 * release for OS packages: {@code Debian:12}, {@code Alpine:v3.20}), the name advisories use for it
 * (the source package for OS packages, {@code group:artifact} for Maven, {@code @scope/name} for
 * npm, the module path for Go) and the version they compare (the source version for OS packages).
 *
 * @param matcher the kebab-case name of the matcher that stands for this way of matching
 */
public record PackageKey(String ecosystem, String name, String version, String matcher) {
  private static final Pattern BITNAMI_REVISION = Pattern.compile("-[0-9]+$");

  /** The key of {@code p}, or empty when no OSV ecosystem covers it (an OS package of an unknown distribution, a program identified from its binary). */
  public static Optional<PackageKey> of(Package p, @Nullable Distro distro) {
    return switch (p.ecosystem()) {
      case DEBIAN, ALPINE, RPM -> os(p, distro);
      case MAVEN -> Optional.of(new PackageKey("Maven", p.namespace().isEmpty() ? p.name() : p.namespace() + ":" + p.name(), p.version(), "maven-matcher"));
      case NPM -> Optional.of(new PackageKey("npm", p.namespace().isEmpty() ? p.name() : p.namespace() + "/" + p.name(), p.version(), "npm-matcher"));
      case PYPI -> Optional.of(new PackageKey("PyPI", p.name(), p.version(), "python-matcher"));
      case GO -> Optional.of(new PackageKey("Go", p.name(), p.version(), "go-module-matcher"));
      case CARGO -> Optional.of(new PackageKey("crates.io", p.name(), p.version(), "rust-matcher"));
      case RUBYGEMS -> Optional.of(new PackageKey("RubyGems", p.name(), p.version(), "ruby-gem-matcher"));
      case NUGET -> Optional.of(new PackageKey("NuGet", p.name(), p.version(), "dotnet-matcher"));
      case COMPOSER -> Optional.of(new PackageKey("Packagist", p.namespace().isEmpty() ? p.name() : p.namespace() + "/" + p.name(), p.version(), "php-composer-matcher"));
      case PUB -> Optional.of(new PackageKey("Pub", p.name(), p.version(), "dart-pub-matcher"));
      case HEX -> Optional.of(new PackageKey("Hex", p.name(), p.version(), "hex-matcher"));
      // OSV names a Swift package by its repository URL without scheme or .git (github.com/apple/swift-nio)
      case SWIFT -> Optional.of(new PackageKey("SwiftURL", p.namespace() + "/" + p.name(), p.version(), "swift-matcher"));
      case CONAN -> Optional.of(new PackageKey("ConanCenter", p.name(), p.version(), "conan-matcher"));
      case HACKAGE -> Optional.of(new PackageKey("Hackage", p.name(), p.version(), "haskell-matcher"));
      case CRAN -> Optional.of(new PackageKey("CRAN", p.name(), p.version(), "r-matcher"));
      // pear.php.net's packages are mirrored on Packagist as pear/NAME in lower case, where their advisories are (pear/archive_tar)
      case PEAR -> p.namespace().equals("pear.php.net")
          ? Optional.of(new PackageKey("Packagist", "pear/" + p.name().toLowerCase(Locale.ROOT), p.version(), "php-pear-matcher"))
          : Optional.empty();
      // OSV has no ecosystem for CocoaPods, LuaRocks, WordPress plugins, Nix or Homebrew
      case COCOAPODS, LUAROCKS, WORDPRESS_PLUGIN, NIX, HOMEBREW -> Optional.empty();
      // Bitnami's advisories name the upstream release: its package revision (17.2.0-8) is not part of it
      case BITNAMI -> Optional.of(new PackageKey("Bitnami", p.name(), BITNAMI_REVISION.matcher(p.version()).replaceFirst(""), "bitnami-matcher"));
      // OSV has no ecosystem for Arch Linux or Gentoo (their advisories, ASAs and GLSAs, are not published as OSV records)
      case ALPM, PORTAGE -> Optional.empty();
      // OSV has no ecosystem for programs identified from their binaries (pkg:generic): CPE-keyed feeds cover them
      case GENERIC -> Optional.empty();
    };
  }

  private static Optional<PackageKey> os(Package p, @Nullable Distro distro) {
    if (distro == null) {
      return Optional.empty();
    }
    Optional<String> ecosystem = osvEcosystem(distro, p.ecosystem());
    if (ecosystem.isEmpty()) {
      return Optional.empty();
    }
    // advisories of distributions name source packages at source versions
    String name = p.sourceIfAny().map(Package.SourcePackage::name).orElse(p.name());
    String version = p.sourceIfAny().map(Package.SourcePackage::version).filter(v -> !v.isEmpty()).orElse(p.version());
    if (p.ecosystem() == Ecosystem.RPM && p.metadata().containsKey("epoch") && !version.contains(":")) {
      version = p.metadata().get("epoch") + ":" + version;
    }
    String matcher = switch (p.ecosystem()) {
      case DEBIAN -> "dpkg-matcher";
      case ALPINE -> "apk-matcher";
      default -> "rpm-matcher";
    };
    return Optional.of(new PackageKey(ecosystem.get(), name, version, matcher));
  }

  /** The OSV ecosystem of a distribution release: {@code Debian:12}, {@code Ubuntu:22.04}, {@code Alpine:v3.20}, {@code Rocky Linux:9}. */
  static Optional<String> osvEcosystem(Distro d, Ecosystem packages) {
    String v = d.versionId();
    String major = v.contains(".") ? v.substring(0, v.indexOf('.')) : v;
    String majorMinor = v.chars().filter(c -> c == '.').count() >= 1 ? String.join(".", java.util.Arrays.copyOf(v.split("\\."), 2)) : v;
    return Optional.ofNullable(switch (d.id().toLowerCase(Locale.ROOT)) {
      case "debian" -> major.isEmpty() ? "Debian" : "Debian:" + major;
      case "ubuntu" -> v.isEmpty() ? "Ubuntu" : "Ubuntu:" + v;
      case "alpine" -> v.isEmpty() ? "Alpine" : "Alpine:v" + majorMinor;
      case "rhel", "redhat" -> "Red Hat";
      case "rocky" -> major.isEmpty() ? "Rocky Linux" : "Rocky Linux:" + major;
      case "almalinux" -> major.isEmpty() ? "AlmaLinux" : "AlmaLinux:" + major;
      case "wolfi" -> "Wolfi";
      case "chainguard" -> "Chainguard";
      case "sles", "suse", "opensuse-leap", "opensuse-tumbleweed" -> packages == Ecosystem.RPM ? "SUSE" : null;
      default -> null;
    });
  }
}
