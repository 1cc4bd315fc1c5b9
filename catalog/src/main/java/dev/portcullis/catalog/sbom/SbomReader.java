package dev.portcullis.catalog.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.DocumentFiles;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a CycloneDX (1.2 to 1.6) or SPDX 2.x JSON SBOM back into a {@link Catalog}, so that an SBOM
 * can be scanned instead of an image ({@code sbom:PATH}). Components are identified by their PURL;
 * one without a PURL, or with a type no ecosystem matches, is an {@link Unknown}. Our own
 * properties (cataloger, path, layer) are read back when present.
 */
public final class SbomReader {
  private static final long MAX_BYTES = 256L << 20;
  private static final String READER = "sbom-reader";
  private static final String NEITHER = "neither a CycloneDX JSON document (bomFormat) nor an SPDX 2 one (spdxVersion)";
  private static final Pattern UNKNOWN_TEXT = Pattern.compile("(/.*?) \\(([a-z0-9-]+)\\): (.*)", Pattern.DOTALL);

  private SbomReader() {}

  public static Catalog read(Path file) throws IOException {
    String what = "sbom:" + file;
    JsonNode root = DocumentFiles.read(file, "read " + what, MAX_BYTES, "JSON", f -> CatalogJson.MAPPER.readTree(f.toFile()));
    return document(root).orElseThrow(() -> new IOException("read " + what + ": " + NEITHER));
  }

  /**
   * The packages an SBOM shipped inside an image states, each attributed to that file ({@code
   * location}) and to {@code cataloger}; each component that names no usable PURL is a problem of
   * its own, and what the document says about its own scan (locations, unknowns) is left out.
   *
   * @throws IllegalArgumentException when the file is neither a CycloneDX nor an SPDX 2 JSON document
   */
  static FileParsing.Parsed embedded(byte[] content, Location location, String cataloger) throws IOException {
    Catalog document = document(CatalogJson.MAPPER.readTree(content)).orElseThrow(() -> new IllegalArgumentException(NEITHER));
    List<Package> packages = new ArrayList<>();
    for (Package p : document.packages()) {
      packages.add(new Package(p.name(), p.namespace(), p.version(), p.ecosystem(), p.purl(), cataloger, List.of(location), p.source(), null, Map.of()));
    }
    List<String> problems = document.unknowns().stream().filter(u -> u.cataloger().equals(READER)).map(Unknown::reason).toList();
    return new FileParsing.Parsed(packages, problems);
  }

  private static Optional<Catalog> document(@Nullable JsonNode root) {
    if (root != null && "CycloneDX".equals(root.path("bomFormat").asText())) {
      return Optional.of(cycloneDx(root));
    }
    if (root != null && root.path("spdxVersion").asText().startsWith("SPDX-2")) {
      return Optional.of(spdx(root));
    }
    return Optional.empty();
  }

  private static Catalog cycloneDx(JsonNode root) {
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    Distro distro = null;
    for (JsonNode c : root.path("components")) {
      if ("operating-system".equals(c.path("type").asText())) {
        distro = new Distro(c.path("name").asText("unknown"), c.path("version").asText(""), c.path("description").asText(""), List.of());
        continue;
      }
      Map<String, List<String>> props = new TreeMap<>();
      for (JsonNode p : c.path("properties")) {
        props.computeIfAbsent(p.path("name").asText(), k -> new ArrayList<>()).add(p.path("value").asText());
      }
      // a CycloneDX component states its name and group (namespace) itself; the PURL may normalise them (PyYAML → pyyaml)
      toPackage(c.path("purl").asText(""), c.path("name").asText(""), c.has("name") ? c.path("group").asText("") : null, c.path("version").asText(""),
          props, "cyclonedx-sbom")
          .ifPresentOrElse(packages::add, () -> unknowns.add(unknown(c.path("name").asText("?"), c.path("purl").asText(""))));
    }
    for (JsonNode p : root.path("metadata").path("properties")) {
      if (CycloneDx.UNKNOWN.equals(p.path("name").asText())) {
        Matcher m = UNKNOWN_TEXT.matcher(p.path("value").asText());
        if (m.matches()) {
          unknowns.add(new Unknown(new Location(m.group(1), -1, null), m.group(2), m.group(3)));
        }
      }
    }
    packages.sort(null);
    return new Catalog(Optional.ofNullable(distro), packages, unknowns);
  }

  private static Catalog spdx(JsonNode root) {
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    Distro distro = null;
    for (JsonNode p : root.path("packages")) {
      String purpose = p.path("primaryPackagePurpose").asText("");
      if (purpose.equals("CONTAINER")) {
        continue;
      }
      if (purpose.equals("OPERATING-SYSTEM")) {
        distro = new Distro(p.path("name").asText("unknown"), p.path("versionInfo").asText(""), "", List.of());
        continue;
      }
      String purl = "";
      for (JsonNode ref : p.path("externalRefs")) {
        if ("purl".equals(ref.path("referenceType").asText())) {
          purl = ref.path("referenceLocator").asText("");
        }
      }
      toPackage(purl, p.path("name").asText(""), null, p.path("versionInfo").asText(""), Map.of(), "spdx-sbom")
          .ifPresentOrElse(packages::add, () -> unknowns.add(unknown(p.path("name").asText("?"), "")));
    }
    packages.sort(null);
    return new Catalog(Optional.ofNullable(distro), packages, unknowns);
  }

  /**
   * @param name the component's own name, or empty for the PURL's
   * @param namespace the component's own namespace, or null for the PURL's (unless {@code name} already holds it, as a Go module path does)
   */
  private static Optional<Package> toPackage(String purl, String name, @Nullable String namespace, String version, Map<String, List<String>> props,
      String reader) {
    if (purl.isEmpty()) {
      return Optional.empty();
    }
    PackageURL p;
    try {
      p = new PackageURL(purl);
    } catch (MalformedPackageURLException e) {
      return Optional.empty();
    }
    Ecosystem ecosystem = null;
    for (Ecosystem e : Ecosystem.values()) {
      if (e.purlType().equals(p.getType())) {
        ecosystem = e;
      }
    }
    if (ecosystem == null) {
      return Optional.empty();
    }
    List<String> paths = props.getOrDefault(CycloneDx.LOCATION, List.of());
    List<String> diffIds = props.getOrDefault(CycloneDx.LAYER_DIFF_ID, List.of());
    List<Location> locations = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      Digest d = i < diffIds.size() ? parseDigest(diffIds.get(i)) : null;
      locations.add(new Location(paths.get(i).startsWith("/") ? paths.get(i) : "/" + paths.get(i), -1, d));
    }
    if (locations.isEmpty()) {
      locations.add(new Location("/", -1, null));
    }
    Package.SourcePackage source = null;
    List<String> sources = props.getOrDefault(CycloneDx.SOURCE, List.of());
    if (!sources.isEmpty() && sources.get(0).contains("@")) {
      String s = sources.get(0);
      source = new Package.SourcePackage(s.substring(0, s.lastIndexOf('@')), s.substring(s.lastIndexOf('@') + 1));
    }
    String foundBy = props.getOrDefault(CycloneDx.FOUND_BY, List.of(reader)).get(0);
    String managedBy = props.getOrDefault(CycloneDx.MANAGED_BY, List.of()).stream().findFirst().orElse(null);
    // the component's own version is the package's (an rpm epoch lives only in a PURL qualifier)
    String v = !version.isEmpty() ? version : p.getVersion() != null ? p.getVersion() : "";
    String epoch = p.getQualifiers() == null ? null : p.getQualifiers().get("epoch");
    if (ecosystem == Ecosystem.RPM && epoch != null && !v.contains(":")) {
      v = epoch + ":" + v;
    }
    String purlNamespace = p.getNamespace() == null ? "" : p.getNamespace();
    String ns = namespace != null ? namespace : name.startsWith(purlNamespace + "/") ? "" : purlNamespace;
    return Optional.of(new Package(name.isEmpty() ? p.getName() : name, name.isEmpty() ? purlNamespace : ns, v, ecosystem,
        purl, foundBy, locations, source, managedBy, Map.of()));
  }

  private static @Nullable Digest parseDigest(String text) {
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Unknown unknown(String name, String purl) {
    return new Unknown(new Location("/", -1, null), READER, "component '" + name + "' has " + (purl.isEmpty() ? "no PURL" : "an unusable PURL " + purl));
  }
}
