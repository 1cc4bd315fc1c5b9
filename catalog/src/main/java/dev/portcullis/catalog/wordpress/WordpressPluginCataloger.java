package dev.portcullis.catalog.wordpress;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WordPress plugins installed in {@code wp-content/plugins/}: the plugin's main PHP file, the one
 * whose header comment has {@code Plugin Name:}, read as WordPress reads it (its first 8 KiB,
 * {@code get_file_data}). The plugin is named by its slug, its directory ({@code akismet}) or, for a
 * single-file plugin, its file name ({@code hello}), as the plugin directory and advisories name it;
 * its version is the header's {@code Version:}. The PURL, {@code pkg:wordpress-plugin/SLUG@VERSION},
 * is a type of our own: neither the PURL spec nor Syft define one. A main file without a version is
 * one unknown; other PHP files are not plugins' main files and left alone.
 */
public final class WordpressPluginCataloger extends FileCataloger {
  public static final String NAME = "wordpress-plugins-cataloger";
  private static final int HEADER_BYTES = 8192;
  private static final Pattern PLUGINS = Pattern.compile(".*/wp-content/plugins/(?:([^/]+)/[^/]+|([^/]+)\\.php)");

  public WordpressPluginCataloger() {
    super(NAME, WholeFiles.matching("wordpress-plugins", "**/wp-content/plugins/*/*.php", "**/wp-content/plugins/*.php"),
        WordpressPluginCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    String header = new String(content, 0, Math.min(content.length, HEADER_BYTES), StandardCharsets.UTF_8).replace("\r", "\n");
    String pluginName = field(header, "Plugin Name");
    if (pluginName.isEmpty()) {
      return List.of();
    }
    Matcher path = PLUGINS.matcher(entry.path());
    if (!path.matches()) {
      return List.of();
    }
    String slug = path.group(1) != null ? path.group(1) : path.group(2);
    String version = field(header, "Version");
    if (version.isEmpty() || version.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("plugin '" + pluginName + "' has " + (version.isEmpty() ? "no Version: header" : "a Version: with spaces"));
    }
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("title", pluginName);
    for (String f : List.of("Author", "License")) {
      if (!field(header, f).isEmpty()) {
        metadata.put(f.toLowerCase(Locale.ROOT), field(header, f));
      }
    }
    return List.of(new Package(slug, "", version, Ecosystem.WORDPRESS_PLUGIN, PackageUrls.of(Ecosystem.WORDPRESS_PLUGIN, "", slug, version), NAME,
        List.of(location), null, null, metadata));
  }

  /** A header field's value as WordPress's get_file_data takes it: {@code Name:} at a line's start, after comment marks, to the line's end. */
  static String field(String header, String name) {
    Matcher m = Pattern.compile("^(?:[ \\t]*<\\?php)?[ \\t/*#@]*" + Pattern.quote(name) + ":(.*)$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
        .matcher(header);
    if (!m.find()) {
      return "";
    }
    // as _cleanup_header_comment: the value ends where a closing comment starts
    String value = m.group(1);
    int close = value.indexOf("*/");
    return (close >= 0 ? value.substring(0, close) : value).strip();
  }
}
