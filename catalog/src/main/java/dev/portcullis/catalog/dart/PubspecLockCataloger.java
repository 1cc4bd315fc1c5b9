package dev.portcullis.catalog.dart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.CatalogYaml;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Packages a Dart or Flutter {@code pubspec.lock} pins: each entry of its {@code packages} map
 * with {@code source: hosted} (pub.dev, or another server named in the PURL's {@code hosted_url})
 * or {@code source: git} (the PURL's {@code vcs_url} with the resolved commit). {@code path}
 * packages are the project's own and {@code sdk} ones (flutter, version 0.0.0) come with the SDK:
 * neither is a package of the registry. {@code dependency: "direct dev"} marks a development
 * dependency. An entry without a version is one unknown.
 */
public final class PubspecLockCataloger extends FileCataloger {
  public static final String NAME = "dart-pubspec-lock-cataloger";
  private static final Set<String> DEFAULT_HOSTS = Set.of("https://pub.dev", "https://pub.dartlang.org");

  public PubspecLockCataloger() {
    super(NAME, WholeFiles.matching("dart-pubspec-lock", "**/pubspec.lock"), PubspecLockCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode root = CatalogYaml.MAPPER.readTree(content);
    if (root == null || !root.path("packages").isObject()) {
      throw new IllegalArgumentException("no packages map: not a pubspec.lock");
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.path("packages").properties()) {
      try {
        pinned(e.getKey(), e.getValue(), location).ifPresent(packages::add);
      } catch (IllegalArgumentException ex) {
        problems.add("package '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return new Parsed(packages, problems);
  }

  private static Optional<Package> pinned(String name, JsonNode p, Location location) {
    String source = p.path("source").asText("");
    if (source.equals("path") || source.equals("sdk")) {
      return Optional.empty();
    }
    String version = p.path("version").isValueNode() ? p.path("version").asText("") : "";
    if (version.isBlank()) {
      throw new IllegalArgumentException("no version");
    }
    Map<String, String> qualifiers = new TreeMap<>();
    JsonNode description = p.path("description");
    switch (source) {
      case "hosted" -> {
        String url = description.path("url").asText("");
        if (!url.isEmpty() && !DEFAULT_HOSTS.contains(url)) {
          qualifiers.put("hosted_url", url);
        }
      }
      case "git" -> {
        String url = description.path("url").asText("");
        String ref = description.path("resolved-ref").asText("");
        if (url.isEmpty()) {
          throw new IllegalArgumentException("git source without url");
        }
        qualifiers.put("vcs_url", ref.isEmpty() ? url : url + "@" + ref);
      }
      default -> throw new IllegalArgumentException("source '" + source + "' is none of hosted, git, path, sdk");
    }
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("source", source);
    if (p.path("dependency").asText("").equals("direct dev")) {
      metadata.put(Catalog.DEV, "true");
    }
    return Optional.of(new Package(name, "", version, Ecosystem.PUB, PackageUrls.of(Ecosystem.PUB, "", name, version, qualifiers), NAME,
        List.of(location), null, null, metadata));
  }
}
