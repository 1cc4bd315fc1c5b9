package dev.portcullis.core;

/** A packaging ecosystem, with the PURL type its packages carry. */
public enum Ecosystem {
  DEBIAN("deb"),
  ALPINE("apk"),
  RPM("rpm"),
  MAVEN("maven"),
  NPM("npm"),
  PYPI("pypi"),
  GO("golang"),
  CARGO("cargo"),
  RUBYGEMS("gem"),
  NUGET("nuget"),
  COMPOSER("composer"),
  /** Arch Linux (and other pacman-based distributions), libalpm's local database. */
  ALPM("alpm"),
  /** Gentoo (and other Portage-based distributions), Portage's installed-package database; the PURL type proposed for it. */
  PORTAGE("ebuild"),
  /** Dart and Flutter packages of pub.dev. */
  PUB("pub"),
  /** Erlang and Elixir packages of hex.pm. */
  HEX("hex"),
  /** Swift packages, named by their repository (Swift Package Manager). */
  SWIFT("swift"),
  /** Objective-C and Swift pods of CocoaPods. */
  COCOAPODS("cocoapods"),
  /** C and C++ packages of Conan (ConanCenter and other remotes). */
  CONAN("conan"),
  /** Haskell packages of Hackage. */
  HACKAGE("hackage"),
  /** R packages (CRAN, and R's own base packages). */
  CRAN("cran"),
  /** Lua modules of LuaRocks. */
  LUAROCKS("luarocks"),
  /** PHP packages of PEAR and PECL channels, named by their channel. */
  PEAR("pear"),
  /** WordPress plugins, named by their slug; a PURL type of our own (the PURL spec has none). */
  WORDPRESS_PLUGIN("wordpress-plugin"),
  /** Packages of a Nix store, named by their store paths; the PURL type Syft writes (the PURL spec has none yet). */
  NIX("nix"),
  /** Formulae Homebrew installed. */
  HOMEBREW("brew"),
  /** Bitnami's own builds of open-source programs, as the SBOMs in its images list them. */
  BITNAMI("bitnami"),
  /** A program or library identified from its own files (a binary's version string), not from a package manager. */
  GENERIC("generic");

  private final String purlType;

  Ecosystem(String purlType) {
    this.purlType = purlType;
  }

  /** The {@code pkg:TYPE/...} type of the Package URL spec. */
  public String purlType() {
    return purlType;
  }

  /** Whether the operating system's package manager owns packages of this ecosystem. */
  public boolean isOs() {
    return this == DEBIAN || this == ALPINE || this == RPM || this == ALPM || this == PORTAGE;
  }
}
