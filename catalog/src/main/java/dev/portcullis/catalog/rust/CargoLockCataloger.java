package dev.portcullis.catalog.rust;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Crates pinned by {@code Cargo.lock}: each {@code [[package]]} table's {@code name},
 * {@code version} and {@code source}, read by hand (only {@code key = "string"} lines matter).
 * A package without {@code source} is a member of the project's own workspace, not a dependency.
 */
public final class CargoLockCataloger extends FileCataloger {
  public static final String NAME = "cargo-lock-cataloger";

  public CargoLockCataloger() {
    super(NAME, WholeFiles.matching("cargo-lock", "**/Cargo.lock"), CargoLockCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    List<Map<String, String>> tables = new ArrayList<>();
    Map<String, String> current = null;
    int lineNo = 0;
    boolean inArray = false;
    for (String raw : new String(content, StandardCharsets.UTF_8).split("\r?\n")) {
      lineNo++;
      String line = raw.strip();
      if (line.startsWith("[")) {
        current = line.equals("[[package]]") ? new HashMap<>() : null;
        if (current != null) {
          tables.add(current);
        }
      } else if (inArray) {
        inArray = !line.endsWith("]");
      } else if (current != null && !line.isEmpty() && !line.startsWith("#")) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("line " + lineNo + ": not key = value");
        }
        String value = line.substring(eq + 1).strip();
        // dependencies = [ ... ] spans lines; its items are not key = value
        inArray = value.startsWith("[") && !value.endsWith("]");
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          current.put(line.substring(0, eq).strip(), value.substring(1, value.length() - 1));
        }
      }
    }
    List<Package> out = new ArrayList<>();
    for (Map<String, String> t : tables) {
      String name = t.getOrDefault("name", "");
      String version = t.getOrDefault("version", "");
      if (name.isEmpty() || version.isEmpty()) {
        throw new IllegalArgumentException("a [[package]] without name or version");
      }
      if (!t.containsKey("source")) {
        continue;
      }
      Map<String, String> metadata = new TreeMap<>();
      metadata.put("source", t.get("source"));
      if (t.containsKey("checksum")) {
        metadata.put("checksum", t.get("checksum"));
      }
      out.add(new Package(name, "", version, Ecosystem.CARGO, PackageUrls.of(Ecosystem.CARGO, "", name, version), NAME, List.of(location), null, null,
          metadata));
    }
    return out;
  }
}
