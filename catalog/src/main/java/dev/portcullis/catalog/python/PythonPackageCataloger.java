package dev.portcullis.catalog.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Installed Python distributions: {@code *.dist-info/METADATA} (wheels, pip) and
 * {@code *.egg-info/PKG-INFO} or a lone {@code *.egg-info} file (setuptools), the directory's
 * suffix in any case ({@code .DIST-INFO}). A distribution installed from a version control system
 * carries its PEP 610 {@code direct_url.json}'s repository and commit as the PURL's {@code vcs_url}. The package keeps
 * the name as written; its PURL carries the PEP 503 normalised name. The location is the metadata file.
 */
public final class PythonPackageCataloger implements Cataloger {
  public static final String NAME = "python-package-cataloger";
  private static final String DIRECT_URL = "/direct_url.json";
  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
  // in any case: a distribution built on a case-insensitive file system may name them .DIST-INFO, .EGG-INFO
  private static final String DIST_INFO = ".[dD][iI][sS][tT]-[iI][nN][fF][oO]";
  private static final String EGG_INFO = ".[eE][gG][gG]-[iI][nN][fF][oO]";

  private static final WholeFiles FILES = WholeFiles.matching("python-metadata", "**/*" + DIST_INFO + "/METADATA",
      "**/*" + DIST_INFO + DIRECT_URL, "**/*" + EGG_INFO + "/PKG-INFO", "**/*" + EGG_INFO);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(FILES);
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    WholeFiles.Split split = FILES.split(tree, DIRECT_URL);
    List<FileEntry> directUrls = split.ending();
    List<FileEntry> metadata = split.others();
    // PEP 610: a distribution installed from a URL records it beside its METADATA
    Map<String, byte[]> directUrlByDir = new HashMap<>();
    context.read(tree, directUrls.stream().filter(e -> e.size() <= context.maxInMemoryBytes()).toList(), FILES,
        (e, bytes) -> directUrlByDir.put(e.path().substring(0, e.path().length() - DIRECT_URL.length()), bytes));
    return FileParsing.parseEach(tree, metadata, context, NAME, FILES, (FileParsing.Parser) (entry, location, content) -> {
      byte[] directUrl = directUrlByDir.get(entry.path().substring(0, entry.path().lastIndexOf('/')));
      return parse(entry, location, content, directUrl == null ? Optional.empty() : vcsUrl(directUrl));
    });
  }

  /**
   * The PURL's {@code vcs_url} ({@code git+https://github.com/pypa/pip@6c8b9c5}) of a PEP 610
   * {@code direct_url.json} with {@code vcs_info}; empty for archives, directories and a file that
   * does not parse (the package is still reported).
   */
  static Optional<String> vcsUrl(byte[] directUrl) {
    try {
      JsonNode root = CatalogJson.MAPPER.readTree(directUrl);
      String url = root == null ? "" : root.path("url").asText("");
      JsonNode vcs = root == null ? MissingNode.getInstance() : root.path("vcs_info");
      String tool = vcs.path("vcs").asText("");
      if (url.isEmpty() || tool.isEmpty()) {
        return Optional.empty();
      }
      String commit = vcs.path("commit_id").asText("");
      String prefixed = url.startsWith(tool + "+") ? url : tool + "+" + url;
      return Optional.of(commit.isEmpty() ? prefixed : prefixed + "@" + commit);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** PEP 503: lower case, each run of {@code -}, {@code _} and {@code .} one {@code -}. */
  public static String normalize(String name) {
    return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    return parse(entry, location, content, Optional.empty());
  }

  private static List<Package> parse(FileEntry entry, Location location, byte[] content, Optional<String> vcsUrl) {
    Map<String, String> headers = headers(new String(content, StandardCharsets.UTF_8));
    String name = headers.getOrDefault("name", "").strip();
    String version = headers.getOrDefault("version", "").strip();
    if (name.isEmpty() || version.isEmpty()) {
      throw new IllegalArgumentException("no " + (name.isEmpty() ? "Name" : "Version") + " header");
    }
    Map<String, String> metadata = new TreeMap<>();
    String license = headers.getOrDefault("license-expression", headers.getOrDefault("license", "")).strip();
    // a License header may carry the whole licence text; only a one-line value is an identifier
    if (!license.isEmpty() && !license.equalsIgnoreCase("UNKNOWN") && !license.contains("\n")) {
      metadata.put("license", license);
    }
    String purl = vcsUrl.isEmpty() ? PackageUrls.of(Ecosystem.PYPI, "", normalize(name), version)
        : PackageUrls.of(Ecosystem.PYPI, "", normalize(name), version, Map.of("vcs_url", vcsUrl.get()));
    return List.of(new Package(name, "", version, Ecosystem.PYPI, purl, NAME, List.of(location), null, null, metadata));
  }

  /**
   * The RFC 822 style header block up to the first blank line, names lower-cased; continuation
   * lines (starting with white space) join their header with a newline; the first of a repeated header wins.
   */
  static Map<String, String> headers(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        break;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        if (current != null) {
          out.put(current, out.get(current) + "\n" + line.strip());
        }
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header line without ':': " + line);
      }
      String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (out.containsKey(key)) {
        current = null;
        continue;
      }
      current = key;
      out.put(key, line.substring(colon + 1).strip());
    }
    return out;
  }
}
