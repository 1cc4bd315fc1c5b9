package dev.portcullis.catalog.npm;

import dev.portcullis.catalog.Catalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.internal.CatalogYaml;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code pnpm-lock.yaml}, lockfile versions 5, 6 and 9: one package per name and version of its
 * {@code packages} map. Registry packages are keyed {@code /name/1.0.0_peer@2} (5),
 * {@code /name@1.0.0(peer@2)} (6) and {@code name@1.0.0} (9); other keys (a git or tarball
 * resolution) carry {@code name} and {@code version} fields. Local directories ({@code file:},
 * {@code link:}) and workspace projects are not packages. Versions 5 and 6 mark dev-only
 * packages {@code dev: true}; 9 dropped the field, so there a package is dev-only when the
 * importers' {@code devDependencies} reach it through {@code snapshots} and their other
 * dependencies do not. An entry that does not parse is a problem of its own, never the loss of the
 * file; a version 9 key written with version 6's leading {@code /} is read.
 */
final class PnpmLock {
  private static final ObjectMapper YAML = CatalogYaml.MAPPER;
  private static final List<String> PRODUCTION = List.of("dependencies", "optionalDependencies");

  private PnpmLock() {}

  /** An npm name and version as a lock key or a dependency value names it. */
  private record Pinned(String name, String version) {
    String key() {
      return name + "@" + version;
    }
  }

  static Parsed parse(byte[] content, Location location) throws IOException {
    JsonNode root = YAML.readTree(content);
    if (root == null || !root.isObject() || !root.path("lockfileVersion").isValueNode()) {
      throw new IllegalArgumentException("no lockfileVersion: not a pnpm-lock.yaml");
    }
    String lockfileVersion = root.path("lockfileVersion").asText();
    int major = major(lockfileVersion);
    if (major < 5) {
      throw new IllegalArgumentException("pnpm lockfile version " + lockfileVersion + " is older than 5 and not read");
    }
    Set<String> devOnly = major >= 9 ? devOnly(root) : Set.of();
    Map<String, Package> found = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.path("packages").properties()) {
      try {
        add(found, e.getKey(), e.getValue(), major, devOnly, location);
      } catch (IllegalArgumentException ex) {
        problems.add("entry '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return new Parsed(new ArrayList<>(found.values()), problems);
  }

  private static void add(Map<String, Package> found, String key, JsonNode p, int major, Set<String> devOnly, Location location) {
    Optional<Pinned> pinned = pinned(key, p, major);
    if (pinned.isEmpty()) {
      return;
    }
    Map<String, String> metadata = new TreeMap<>();
    if (p.path("dev").asBoolean(false) || devOnly.contains(pinned.get().key())) {
      metadata.put(Catalog.DEV, "true");
    }
    if (p.path("optional").asBoolean(false)) {
      metadata.put("optional", "true");
    }
    if (p.path("resolution").path("tarball").isTextual()) {
      metadata.put("resolved", p.path("resolution").path("tarball").asText());
    }
    found.putIfAbsent(pinned.get().key(), NpmPackages.of(pinned.get().name(), pinned.get().version(), NpmLockCataloger.NAME, location, metadata));
  }

  /** {@code 5.4} → 5, {@code '6.0'} → 6, {@code '9.0'} → 9. */
  private static int major(String lockfileVersion) {
    int end = 0;
    while (end < lockfileVersion.length() && Character.isDigit(lockfileVersion.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 3) {
      throw new IllegalArgumentException("lockfileVersion '" + lockfileVersion + "' is not a number");
    }
    return Integer.parseInt(lockfileVersion.substring(0, end));
  }

  /** The package a {@code packages} entry pins; empty for a local directory or a key without name and version. */
  private static Optional<Pinned> pinned(String key, JsonNode entry, int major) {
    // a version 9 key written with version 6's leading / is read as version 6 writes it
    Optional<Pinned> fromKey = major >= 9 && !key.startsWith("/") ? fromKey(key)
        : key.startsWith("/") ? fromLegacyKey(key.substring(1), Math.min(major, 6)) : Optional.empty();
    if (fromKey.isPresent()) {
      return fromKey;
    }
    String version = entry.path("version").asText("");
    String name = entry.path("name").asText(major >= 9 ? nameOf(key) : "");
    boolean local = key.startsWith("file:") || key.startsWith("link:") || key.startsWith(name + "@file:") || key.startsWith(name + "@link:");
    return local || name.isEmpty() || version.isEmpty() ? Optional.empty() : Optional.of(new Pinned(name, version));
  }

  /** {@code name@1.0.0} or {@code @s/name@1.0.0(peer@2)} as version 9 writes it, or as 6 writes it after the {@code /}. */
  private static Optional<Pinned> fromKey(String key) {
    String name = nameOf(key);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    String version = withoutPeers(key.substring(name.length() + 1), '(');
    // registry versions start with a digit; URLs, file: and link: need the entry's fields
    return !version.isEmpty() && Character.isDigit(version.charAt(0)) ? Optional.of(new Pinned(name, version)) : Optional.empty();
  }

  /** Version 6's {@code name@1.0.0(peer@2)} or version 5's {@code name/1.0.0_peer@2}, the leading {@code /} removed. */
  private static Optional<Pinned> fromLegacyKey(String key, int major) {
    if (major >= 6) {
      return fromKey(key);
    }
    int nameEnd = key.indexOf('/', key.startsWith("@") ? key.indexOf('/') + 1 : 0);
    if (nameEnd <= 0) {
      return Optional.empty();
    }
    String version = withoutPeers(key.substring(nameEnd + 1), '_');
    return version.isEmpty() || version.contains("/") ? Optional.empty() : Optional.of(new Pinned(key.substring(0, nameEnd), version));
  }

  /** {@code a} of {@code a@1.0.0}, {@code @s/a} of {@code @s/a@1.0.0}; empty without an {@code @} after the name. */
  private static String nameOf(String key) {
    int at = key.indexOf('@', 1);
    return at < 0 ? "" : key.substring(0, at);
  }

  private static String withoutPeers(String version, char suffixStart) {
    int cut = version.indexOf(suffixStart);
    return cut < 0 ? version : version.substring(0, cut);
  }

  /** Version 9: the {@code name@version} keys only development dependencies reach. */
  private static Set<String> devOnly(JsonNode root) {
    Set<String> dev = reachable(root, List.of("devDependencies"));
    dev.removeAll(reachable(root, PRODUCTION));
    return dev;
  }

  private static Set<String> reachable(JsonNode root, List<String> fromImporters) {
    Deque<String> todo = new ArrayDeque<>();
    for (JsonNode importer : root.path("importers")) {
      for (String kind : fromImporters) {
        importer.path(kind).properties().forEach(d -> todo.add(snapshotKey(d.getKey(), d.getValue().path("version").asText(""))));
      }
    }
    Set<String> seen = new HashSet<>();
    Set<String> packages = new HashSet<>();
    while (!todo.isEmpty()) {
      String key = todo.pop();
      if (!seen.add(key)) {
        continue;
      }
      packages.add(withoutPeers(key, '('));
      JsonNode snapshot = root.path("snapshots").path(key);
      for (String kind : PRODUCTION) {
        snapshot.path(kind).properties().forEach(d -> todo.add(snapshotKey(d.getKey(), d.getValue().asText(""))));
      }
    }
    return packages;
  }

  /** The snapshot a dependency resolves to: {@code name@1.0.0(peer@2)}, or an alias's {@code real-name@1.0.0} as it stands. */
  private static String snapshotKey(String name, String version) {
    return !version.isEmpty() && Character.isDigit(version.charAt(0)) ? name + "@" + version : version;
  }
}
