package dev.portcullis.catalog.npm;

import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code yarn.lock}, read by hand: an entry starts with an unindented line of descriptors
 * ({@code "a@^1", a@^1.2} in classic v1, {@code "a@npm:^1, a@npm:^1.2"} in berry) ending in
 * {@code :}; its two-space-indented fields hold {@code version "1.2.3"} (v1) or
 * {@code version: 1.2.3} and {@code resolution: "a@npm:1.2.3"} (berry). Berry's
 * {@code __metadata} and workspace entries are not packages. An entry that does not parse is a
 * problem of its own, never the loss of the file.
 */
final class YarnLock {
  private YarnLock() {}

  static Parsed parse(String text, Location location) {
    Map<String, Package> found = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    String descriptor = null;
    String version = null;
    String resolution = null;
    int lineNo = 0;
    boolean sawEntry = false;
    for (String line : text.split("\r?\n", -1)) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      boolean top = !Character.isWhitespace(line.charAt(0));
      if (top) {
        add(found, problems, descriptor, version, resolution, location);
        version = null;
        resolution = null;
        if (!line.endsWith(":")) {
          // the fields under it belong to no entry, and are skipped
          problems.add("line " + lineNo + ": an entry must end with ':'");
          descriptor = null;
          continue;
        }
        descriptor = firstDescriptor(line.substring(0, line.length() - 1));
        sawEntry = true;
      } else if (line.startsWith("  ") && !line.startsWith("   ") && descriptor != null) {
        String field = line.substring(2);
        if (field.startsWith("version")) {
          version = value(field.substring("version".length()));
        } else if (field.startsWith("resolution:")) {
          resolution = value(field.substring("resolution".length()));
        }
      }
    }
    add(found, problems, descriptor, version, resolution, location);
    if (!sawEntry && !text.contains("yarn lockfile")) {
      throw new IllegalArgumentException("no entries and no 'yarn lockfile' header: not a yarn.lock");
    }
    return new Parsed(new ArrayList<>(found.values()), problems);
  }

  private static void add(Map<String, Package> found, List<String> problems, @Nullable String descriptor, @Nullable String version,
      @Nullable String resolution, Location location) {
    try {
      add(found, descriptor, version, resolution, location);
    } catch (IllegalArgumentException ex) {
      problems.add("entry '" + descriptor + "': " + ex.getMessage());
    }
  }

  private static void add(Map<String, Package> found, String descriptor, String version, String resolution, Location location) {
    if (descriptor == null || descriptor.equals("__metadata")) {
      return;
    }
    if (version == null || version.isEmpty()) {
      throw new IllegalArgumentException("no version");
    }
    String name = resolution != null ? nameOf(resolution) : nameOf(descriptor);
    String range = (resolution != null ? resolution : descriptor).substring(name.length() + 1);
    if (range.startsWith("workspace:") || range.startsWith("link:") || range.startsWith("portal:") || range.startsWith("file:")) {
      return;
    }
    // classic v1 alias: "alias@npm:real@^1.0.0" installs real
    if (resolution == null && range.startsWith("npm:") && range.indexOf('@', 5) > 0) {
      name = range.substring(4, range.indexOf('@', 5));
    }
    Map<String, String> metadata = new TreeMap<>();
    found.putIfAbsent(name + "@" + version, NpmPackages.of(name, version, NpmLockCataloger.NAME, location, metadata));
  }

  /** The first of {@code "a@^1", "a@^2"} (quotes may wrap each or the whole list), unquoted. */
  private static String firstDescriptor(String key) {
    String first = key.strip();
    if (first.startsWith("\"")) {
      int close = first.indexOf('"', 1);
      first = close < 0 ? first.substring(1) : first.substring(1, close);
    }
    int comma = first.indexOf(',');
    return (comma < 0 ? first : first.substring(0, comma)).strip();
  }

  /** {@code a} of {@code a@^1} and {@code @s/a} of {@code @s/a@npm:1.0.0}. */
  private static String nameOf(String descriptor) {
    int at = descriptor.indexOf('@', 1);
    if (at < 0) {
      throw new IllegalArgumentException("descriptor '" + descriptor + "' has no '@'");
    }
    return descriptor.substring(0, at);
  }

  /** {@code  "1.2.3"}, {@code : 1.2.3} or {@code : "1.2.3"}, unquoted. */
  private static String value(String rest) {
    String v = rest.startsWith(":") ? rest.substring(1).strip() : rest.strip();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return v;
  }
}
