package dev.portcullis.catalog.swift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages Swift Package Manager pinned in {@code Package.resolved}: version 1 lists
 * {@code object.pins[]} with {@code package}, {@code repositoryURL} and {@code state}; versions 2
 * and 3 list {@code pins[]} with {@code identity}, {@code kind}, {@code location} and
 * {@code state}. A pin's repository URL gives the PURL, {@code pkg:swift/HOST/OWNER/REPO@VERSION}
 * (an {@code scp}-like {@code git@host:owner/repo.git} read as the same URL); a pin to a branch
 * or a commit has the commit as its version. Local packages ({@code localSourceControl},
 * {@code fileSystem}) are the project's own. A pin that does not read is one unknown.
 */
public final class PackageResolvedCataloger extends FileCataloger {
  public static final String NAME = "swift-package-resolved-cataloger";
  private static final Pattern URL = Pattern.compile("(?:[a-z+]+://)?(?:[^@/]+@)?([^/:]+)[:/](.+?)(?:\\.git)?/?");

  public PackageResolvedCataloger() {
    super(NAME, WholeFiles.matching("swift-package-resolved", "**/Package.resolved"), PackageResolvedCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    JsonNode root = CatalogJson.MAPPER.readTree(content);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object: not a Package.resolved");
    }
    int version = root.path("version").asInt(0);
    JsonNode pins = version == 1 ? root.path("object").path("pins") : root.path("pins");
    if (version < 1 || version > 3 || !pins.isArray()) {
      throw new IllegalArgumentException("version " + root.path("version") + " with no pins: not a Package.resolved of version 1, 2 or 3");
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode pin : pins) {
      String identity = pin.path(version == 1 ? "package" : "identity").asText("?");
      try {
        if (version == 1 || pin.path("kind").asText("").equals("remoteSourceControl")) {
          packages.add(pin(pin.path(version == 1 ? "repositoryURL" : "location").asText(""), pin.path("state"), location));
        } else if (pin.path("kind").asText("").equals("registry")) {
          problems.add("pin '" + identity + "': a registry package (" + identity + ") has no repository URL to name it");
        }
      } catch (IllegalArgumentException e) {
        problems.add("pin '" + identity + "': " + e.getMessage());
      }
    }
    return new Parsed(packages, problems);
  }

  private static Package pin(String url, JsonNode state, Location location) {
    Matcher m = URL.matcher(url);
    if (!m.matches() || !m.group(2).contains("/")) {
      throw new IllegalArgumentException("repository '" + url + "' is not HOST/OWNER/REPO");
    }
    String path = m.group(1).toLowerCase(Locale.ROOT) + "/" + m.group(2);
    String namespace = path.substring(0, path.lastIndexOf('/'));
    String name = path.substring(path.lastIndexOf('/') + 1);
    String version = state.path("version").isTextual() ? state.path("version").asText() : state.path("revision").asText("");
    if (version.isBlank()) {
      throw new IllegalArgumentException("neither a version nor a revision");
    }
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("repository", url);
    if (state.path("revision").isTextual()) {
      metadata.put("revision", state.path("revision").asText());
    }
    if (state.path("branch").isTextual()) {
      metadata.put("branch", state.path("branch").asText());
    }
    return new Package(name, namespace, version, Ecosystem.SWIFT, PackageUrls.of(Ecosystem.SWIFT, namespace, name, version), NAME, List.of(location),
        null, null, metadata);
  }
}
