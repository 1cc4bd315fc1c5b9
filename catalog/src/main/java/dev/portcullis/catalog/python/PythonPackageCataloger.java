package dev.portcullis.catalog.python;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Installed Python distributions: {@code *.dist-info/METADATA} (wheels, pip) and
 * {@code *.egg-info/PKG-INFO} or a lone {@code *.egg-info} file (setuptools). The package keeps
 * the name as written; its PURL carries the PEP 503 normalised name. The location is the metadata file.
 */
public final class PythonPackageCataloger extends FileCataloger {
  public static final String NAME = "python-package-cataloger";
  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

  public PythonPackageCataloger() {
    super(NAME, WholeFiles.matching("python-metadata", "**/*.dist-info/METADATA", "**/*.egg-info/PKG-INFO", "**/*.egg-info"), PythonPackageCataloger::parse);
  }

  /** PEP 503: lower case, each run of {@code -}, {@code _} and {@code .} one {@code -}. */
  public static String normalize(String name) {
    return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
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
    String purl = PackageUrls.of(Ecosystem.PYPI, "", normalize(name), version);
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
