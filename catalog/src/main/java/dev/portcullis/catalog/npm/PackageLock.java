package dev.portcullis.catalog.npm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code package-lock.json}: version 1 nests {@code dependencies} by name; versions 2 and 3 list
 * {@code packages} by install path ({@code node_modules/a/node_modules/@s/b}), and v2 also keeps
 * the v1 tree, which is then ignored. One package per name and version; an entry that does not
 * parse (a v1 key {@code node_modules/async}) is a problem of its own, never the loss of the file.
 */
final class PackageLock {
  private static final String NODE_MODULES = "node_modules/";

  private PackageLock() {}

  static Parsed parse(byte[] content, Location location) throws IOException {
    JsonNode root = CatalogJson.MAPPER.readTree(content);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, Package> found = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (root.path("packages").isObject()) {
      for (Map.Entry<String, JsonNode> e : root.path("packages").properties()) {
        String path = e.getKey();
        int at = path.lastIndexOf(NODE_MODULES);
        JsonNode p = e.getValue();
        // "" is the project, paths without node_modules/ are workspaces, links point at them
        if (at < 0 || p.path("link").asBoolean(false)) {
          continue;
        }
        String name = p.path("name").asText(path.substring(at + NODE_MODULES.length()));
        add(found, problems, path, name, p, location);
      }
    } else if (root.path("dependencies").isObject()) {
      walkV1(root.path("dependencies"), found, problems, location);
    } else if (root.path("lockfileVersion").isMissingNode()) {
      throw new IllegalArgumentException("no lockfileVersion: not a package-lock.json");
    }
    return new Parsed(new ArrayList<>(found.values()), problems);
  }

  /** The nested tree of version 1; an entry that does not parse is a problem, and its own dependencies are still read. */
  private static void walkV1(JsonNode dependencies, Map<String, Package> found, List<String> problems, Location location) {
    for (Map.Entry<String, JsonNode> e : dependencies.properties()) {
      JsonNode p = e.getValue();
      String name = e.getKey();
      String version = p.path("version").asText("");
      // an alias pins "npm:real-name@1.2.3"
      if (version.startsWith("npm:") && version.lastIndexOf('@') > 4) {
        name = version.substring(4, version.lastIndexOf('@'));
      }
      add(found, problems, e.getKey(), name, p, location);
      if (p.path("dependencies").isObject()) {
        walkV1(p.path("dependencies"), found, problems, location);
      }
    }
  }

  private static void add(Map<String, Package> found, List<String> problems, String key, String name, JsonNode p, Location location) {
    try {
      add(found, name, p, location);
    } catch (IllegalArgumentException ex) {
      problems.add("entry '" + key + "': " + ex.getMessage());
    }
  }

  private static void add(Map<String, Package> found, String name, JsonNode p, Location location) {
    String version = p.path("version").asText("");
    if (version.startsWith("npm:") && version.lastIndexOf('@') > 4) {
      version = version.substring(version.lastIndexOf('@') + 1);
    }
    // file: and link: versions are local directories, not published packages
    if (version.isEmpty() || version.startsWith("file:") || version.startsWith("link:")) {
      return;
    }
    Map<String, String> metadata = new TreeMap<>();
    for (String flag : List.of("dev", "optional", "bundled")) {
      if (p.path(flag).asBoolean(false)) {
        metadata.put(flag, "true");
      }
    }
    if (p.path("resolved").isTextual()) {
      metadata.put("resolved", p.path("resolved").asText());
    }
    if (p.path("license").isTextual()) {
      metadata.put("license", p.path("license").asText());
    }
    found.putIfAbsent(name + "@" + version, NpmPackages.of(name, version, NpmLockCataloger.NAME, location, metadata));
  }
}
