package dev.portcullis.catalog.elixir;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hex packages an Elixir {@code mix.lock} pins: the map {@code mix} writes one entry a line,
 * {@code "app": {:hex, :package, "1.2.3", "inner checksum", [:mix], [deps], "hexpm", "outer checksum"}}.
 * The Hex package name is the tuple's second element (it differs from the application's key for a
 * renamed package). Entries from {@code :git} or {@code :path} pin no Hex release and are left out;
 * a {@code :hex} entry that does not read is one unknown.
 */
public final class MixLockCataloger extends FileCataloger {
  public static final String NAME = "elixir-mix-lock-cataloger";
  private static final Pattern ENTRY = Pattern.compile("^\\s*\"([^\"]+)\":\\s*\\{:(\\w+),(.*)$");
  private static final Pattern HEX = Pattern.compile("\\s*:([a-z0-9_]+),\\s*\"([^\"\\s]+)\"(?:,\\s*\"([0-9a-f]*)\")?.*");

  public MixLockCataloger() {
    super(NAME, WholeFiles.matching("elixir-mix-lock", "**/mix.lock"), MixLockCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    if (!text.stripLeading().startsWith("%{")) {
      throw new IllegalArgumentException("not an Elixir map (%{...}): not a mix.lock");
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\r?\n")) {
      lineNo++;
      Matcher m = ENTRY.matcher(line);
      if (!m.matches()) {
        continue;
      }
      if (!m.group(2).equals("hex")) {
        continue;
      }
      Matcher hex = HEX.matcher(m.group(3));
      if (!hex.matches()) {
        problems.add("line " + lineNo + ", entry '" + m.group(1) + "': not {:hex, :name, \"version\", \"checksum\", ...}");
        continue;
      }
      String name = hex.group(1);
      String version = hex.group(2);
      Map<String, String> metadata = hex.group(3) == null || hex.group(3).isEmpty() ? Map.of() : Map.of("checksum", hex.group(3));
      packages.add(new Package(name, "", version, Ecosystem.HEX, PackageUrls.of(Ecosystem.HEX, "", name, version), NAME, List.of(location), null,
          null, metadata));
    }
    return new Parsed(packages, problems);
  }
}
