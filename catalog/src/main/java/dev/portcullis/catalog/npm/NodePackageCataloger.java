package dev.portcullis.catalog.npm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * npm packages installed under {@code node_modules}: each {@code node_modules/name/package.json}
 * and {@code node_modules/@scope/name/package.json}, nested {@code node_modules} included. Other
 * {@code package.json} files inside a package (test fixtures, {@code esm/package.json}) are not
 * packages, nor is a private package without a version.
 */
public final class NodePackageCataloger extends FileCataloger {
  public static final String NAME = "node-package-cataloger";

  public NodePackageCataloger() {
    super(NAME, WholeFiles.matching("node-package-json", "**/node_modules/**/package.json"), NodePackageCataloger::parse);
  }

  @Override
  protected boolean reads(String path) {
    return isPackageDir(path);
  }

  /** Whether {@code path} is {@code .../node_modules/name/package.json} or {@code .../node_modules/@scope/name/package.json}. */
  static boolean isPackageDir(String path) {
    String[] parts = path.split("/");
    int n = parts.length;
    if (n >= 4 && parts[n - 3].equals("node_modules") && !parts[n - 2].startsWith("@") && !parts[n - 2].startsWith(".")) {
      return true;
    }
    return n >= 5 && parts[n - 4].equals("node_modules") && parts[n - 3].startsWith("@") && parts[n - 3].length() > 1;
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode json = CatalogJson.MAPPER.readTree(content);
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String name = json.path("name").asText("");
    String version = json.path("version").asText("");
    if (version.isEmpty() && json.path("private").asBoolean(false)) {
      return List.of();
    }
    if (name.isEmpty() || version.isEmpty()) {
      throw new IllegalArgumentException("package.json without " + (name.isEmpty() ? "name" : "version"));
    }
    Map<String, String> metadata = new TreeMap<>();
    license(json).ifPresent(l -> metadata.put("license", l));
    return List.of(NpmPackages.of(name, version, NAME, location, metadata));
  }

  /** {@code "license": "MIT"}, the old {@code {"type": "MIT"}}, or the older {@code "licenses": [{"type": ...}]}. */
  private static java.util.Optional<String> license(JsonNode json) {
    JsonNode l = json.path("license");
    if (l.isTextual() && !l.asText().isBlank()) {
      return java.util.Optional.of(l.asText());
    }
    if (l.path("type").isTextual()) {
      return java.util.Optional.of(l.path("type").asText());
    }
    List<String> types = new java.util.ArrayList<>();
    for (JsonNode each : json.path("licenses")) {
      String t = each.isTextual() ? each.asText() : each.path("type").asText("");
      if (!t.isBlank()) {
        types.add(t);
      }
    }
    return types.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(" OR ", types));
  }
}
