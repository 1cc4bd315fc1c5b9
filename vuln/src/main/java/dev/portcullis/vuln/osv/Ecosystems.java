package dev.portcullis.vuln.osv;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The ecosystems OSV 1.6 defines, and the rules for naming packages within them. */
public final class Ecosystems {
  /** Ecosystem names as OSV spells them, without release suffixes. */
  public static final Set<String> KNOWN = Set.of(
      "AlmaLinux", "Alpine", "Android", "Azure Linux", "Bioconductor", "Bitnami", "Chainguard", "ConanCenter", "CRAN",
      "crates.io", "Debian", "Echo", "GHC", "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes", "Linux",
      "Mageia", "Maven", "MinimOS", "npm", "NuGet", "openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS",
      "Pub", "PyPI", "Red Hat", "Rocky Linux", "RubyGems", "SUSE", "SwiftURL", "Ubuntu", "VSCode", "Wolfi");

  private static final Pattern PEP_503_SEPARATORS = Pattern.compile("[-_.]+");

  private Ecosystems() {}

  /** {@code ecosystem} without its release suffix: {@code Debian} for {@code Debian:12}, {@code Go} for {@code Go}. */
  public static String base(String ecosystem) {
    int colon = ecosystem.indexOf(':');
    return colon < 0 ? ecosystem : ecosystem.substring(0, colon);
  }

  /** Whether the ecosystem's base name is one OSV defines. */
  public static boolean isKnown(String ecosystem) {
    return KNOWN.contains(base(ecosystem));
  }

  /**
   * The package name under which the database files and looks up {@code name}: PyPI names per PEP 503
   * (lower case, runs of {@code -_.} as one {@code -}), NuGet names and SwiftURL repository URLs in lower case
   * (NuGet ids and GitHub's paths ignore case); Maven {@code group:artifact}, Go module paths, npm and the rest exactly as written.
   */
  public static String normaliseName(String ecosystem, String name) {
    return switch (base(ecosystem)) {
      case "PyPI" -> PEP_503_SEPARATORS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-");
      case "NuGet" -> name.toLowerCase(Locale.ROOT);
      // a repository URL: its host and, on the forges that hold Swift packages, its path ignore case
      case "SwiftURL" -> name.toLowerCase(Locale.ROOT);
      default -> name;
    };
  }
}
