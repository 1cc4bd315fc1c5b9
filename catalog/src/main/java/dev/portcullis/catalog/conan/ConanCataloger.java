package dev.portcullis.catalog.conan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.catalog.Catalog;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages Conan pins: {@code conan.lock} of Conan 2 (version 0.5: {@code requires},
 * {@code build_requires}, {@code python_requires} lists of references) and of Conan 1 (version
 * 0.4: {@code graph_lock.nodes}, each with a {@code ref}), and the {@code [requires]} and
 * {@code [tool_requires]}/{@code [build_requires]} sections of {@code conanfile.txt}. A reference
 * is {@code name/version[@user/channel][#recipe-revision[%timestamp]]}; the PURL is
 * {@code pkg:conan/NAME@VERSION} with {@code user}, {@code channel} and {@code rrev} qualifiers as
 * the PURL spec writes them. What is needed only to build (build and tool requirements) is marked
 * a development dependency. A version range in {@code conanfile.txt} pins nothing and is left out;
 * a reference that does not read is one unknown.
 */
public final class ConanCataloger extends FileCataloger {
  public static final String NAME = "conan-cataloger";
  private static final Pattern REF = Pattern.compile("([a-z0-9_][a-z0-9_+.-]*)/([^@#/\\s\\[\\]]+)(?:@([^/#\\s]+)/([^#\\s]+))?(?:#([0-9a-f]+)(?:%[0-9.]+)?)?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SECTION = Pattern.compile("\\[(\\w+)\\]");

  public ConanCataloger() {
    super(NAME, WholeFiles.matching("conan", "**/conan.lock", "**/conanfile.txt"), ConanCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    Map<String, Boolean> refs = entry.path().endsWith("/conanfile.txt") ? conanfileTxt(new String(content, StandardCharsets.UTF_8)) : lock(content);
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (var e : refs.entrySet()) {
      try {
        reference(e.getKey(), e.getValue(), location).ifPresent(packages::add);
      } catch (IllegalArgumentException ex) {
        problems.add(ex.getMessage());
      }
    }
    return new Parsed(packages, problems);
  }

  /** Each reference a {@code conan.lock} names, and whether it is needed only to build. */
  private static Map<String, Boolean> lock(byte[] content) throws IOException {
    JsonNode root = CatalogJson.MAPPER.readTree(content);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object: not a conan.lock");
    }
    Map<String, Boolean> refs = new LinkedHashMap<>();
    String version = root.path("version").asText("");
    if (version.equals("0.4") || root.path("graph_lock").isObject()) {
      for (JsonNode node : root.path("graph_lock").path("nodes")) {
        // the root node is the consumer project: a path, not a reference
        if (node.path("ref").isTextual() && !node.path("ref").asText().isEmpty()) {
          refs.put(node.path("ref").asText(), node.path("context").asText("host").equals("build"));
        }
      }
    } else if (root.has("requires")) {
      root.path("requires").forEach(r -> refs.put(r.asText(), false));
      root.path("python_requires").forEach(r -> refs.put(r.asText(), false));
      root.path("build_requires").forEach(r -> refs.putIfAbsent(r.asText(), true));
    } else {
      throw new IllegalArgumentException("version " + (version.isEmpty() ? "missing" : version) + " with neither requires nor graph_lock: not a conan.lock");
    }
    return refs;
  }

  /** Each reference in a {@code conanfile.txt}'s requirement sections, and whether it is needed only to build. */
  private static Map<String, Boolean> conanfileTxt(String text) {
    Map<String, Boolean> refs = new LinkedHashMap<>();
    String section = "";
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      Matcher s = SECTION.matcher(line);
      if (s.matches()) {
        section = s.group(1);
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        switch (section) {
          case "requires" -> refs.put(line, false);
          case "tool_requires", "build_requires", "test_requires" -> refs.putIfAbsent(line, true);
          default -> { }
        }
      }
    }
    return refs;
  }

  private static Optional<Package> reference(String ref, boolean buildOnly, Location location) {
    int range = ref.indexOf("/[");
    if (range > 0) {
      return Optional.empty();
    }
    Matcher m = REF.matcher(ref);
    if (!m.matches()) {
      throw new IllegalArgumentException("reference '" + (ref.length() > 80 ? ref.substring(0, 80) + "..." : ref) + "' is not name/version[@user/channel][#revision]");
    }
    String name = m.group(1);
    String version = m.group(2);
    Map<String, String> qualifiers = new TreeMap<>();
    if (m.group(3) != null && !m.group(3).equals("_")) {
      qualifiers.put("user", m.group(3));
      qualifiers.put("channel", m.group(4));
    }
    if (m.group(5) != null) {
      qualifiers.put("rrev", m.group(5));
    }
    Map<String, String> metadata = buildOnly ? Map.of(Catalog.DEV, "true") : Map.of();
    return Optional.of(new Package(name, "", version, Ecosystem.CONAN, PackageUrls.of(Ecosystem.CONAN, "", name, version, qualifiers), NAME,
        List.of(location), null, null, metadata));
  }
}
