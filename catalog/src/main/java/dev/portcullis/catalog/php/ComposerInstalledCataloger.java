package dev.portcullis.catalog.php;

import dev.portcullis.catalog.Catalog;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PHP packages Composer installed: {@code vendor/composer/installed.json}, an array in Composer 1
 * and {@code {"packages": [...], "dev-package-names": [...]}} in Composer 2. {@code vendor/name}
 * gives namespace and name; the version is kept as written ({@code v6.4.0}).
 */
public final class ComposerInstalledCataloger extends FileCataloger {
  public static final String NAME = "composer-installed-cataloger";

  public ComposerInstalledCataloger() {
    super(NAME, WholeFiles.matching("composer-installed-json", "**/vendor/composer/installed.json"), ComposerInstalledCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode root = CatalogJson.MAPPER.readTree(content);
    JsonNode packages = root != null && root.isArray() ? root : root == null ? null : root.path("packages");
    if (packages == null || !packages.isArray()) {
      throw new IllegalArgumentException("neither an array nor an object with a \"packages\" array");
    }
    Set<String> dev = new HashSet<>();
    if (root.path("dev-package-names").isArray()) {
      root.path("dev-package-names").forEach(n -> dev.add(n.asText()));
    }
    List<Package> out = new ArrayList<>();
    for (JsonNode p : packages) {
      String full = p.path("name").asText("");
      String version = p.path("version").asText("");
      int slash = full.indexOf('/');
      if (slash <= 0 || slash == full.length() - 1 || version.isEmpty()) {
        throw new IllegalArgumentException("package '" + full + "' has no vendor/name or no version");
      }
      Map<String, String> metadata = new TreeMap<>();
      List<String> licenses = new ArrayList<>();
      p.path("license").forEach(l -> licenses.add(l.asText()));
      if (!licenses.isEmpty()) {
        metadata.put("license", String.join(" OR ", licenses));
      }
      if (dev.contains(full)) {
        metadata.put(Catalog.DEV, "true");
      }
      String vendor = full.substring(0, slash);
      String name = full.substring(slash + 1);
      out.add(new Package(name, vendor, version, Ecosystem.COMPOSER, PackageUrls.of(Ecosystem.COMPOSER, vendor, name, version), NAME, List.of(location),
          null, null, metadata));
    }
    return out;
  }
}
