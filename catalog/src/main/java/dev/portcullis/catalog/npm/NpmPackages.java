package dev.portcullis.catalog.npm;

import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.util.Map;

/** npm names ({@code @scope/name}) and the packages made from them. */
final class NpmPackages {
  private NpmPackages() {}

  /** An npm package name split into its scope ({@code @babel}, or empty) and the rest. */
  record Name(String scope, String name) {
    static Name parse(String full) {
      if (full.startsWith("@")) {
        int slash = full.indexOf('/');
        if (slash < 2 || slash == full.length() - 1) {
          throw new IllegalArgumentException("malformed scoped npm name '" + full + "'");
        }
        return new Name(full.substring(0, slash), full.substring(slash + 1));
      }
      if (full.isBlank() || full.contains("/")) {
        throw new IllegalArgumentException("malformed npm name '" + full + "'");
      }
      return new Name("", full);
    }

    String full() {
      return scope.isEmpty() ? name : scope + "/" + name;
    }
  }

  static Package of(String fullName, String version, String foundBy, Location location, Map<String, String> metadata) {
    Name n = Name.parse(fullName);
    String purl = PackageUrls.of(Ecosystem.NPM, n.scope(), n.name(), version);
    return new Package(n.name(), n.scope(), version, Ecosystem.NPM, purl, foundBy, java.util.List.of(location), null, null, metadata);
  }
}
