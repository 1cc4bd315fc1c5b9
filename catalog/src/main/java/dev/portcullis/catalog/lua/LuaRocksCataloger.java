package dev.portcullis.catalog.lua;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rocks LuaRocks installed in a rocks tree: {@code .../lib/luarocks/rocks-LUAVERSION/NAME/VERSION-REVISION/rock_manifest},
 * the Lua table ({@code rock_manifest = { ... }}) LuaRocks writes for each installed rock, whose
 * directory names the rock and its version ({@code luasocket/3.1.0-1}); the PURL is
 * {@code pkg:luarocks/NAME@VERSION-REVISION}. A manifest that is not such a table, or a
 * directory that is no {@code VERSION-REVISION}, is one unknown.
 */
public final class LuaRocksCataloger extends FileCataloger {
  public static final String NAME = "lua-rocks-cataloger";
  private static final Pattern PATH = Pattern.compile(".*/lib/luarocks/rocks(?:-[0-9.]+)?/([^/]+)/([^/]+)/rock_manifest");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._]+-[0-9]+");
  private static final Pattern MANIFEST = Pattern.compile("\\A\\s*rock_manifest\\s*=\\s*\\{");

  public LuaRocksCataloger() {
    super(NAME, WholeFiles.matching("lua-rock-manifest", "**/lib/luarocks/rocks*/*/*/rock_manifest"), LuaRocksCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) {
    Matcher path = PATH.matcher(entry.path());
    if (!path.matches()) {
      return List.of();
    }
    String name = path.group(1);
    String version = path.group(2);
    if (!VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException("rock " + name + ": directory '" + version + "' is not VERSION-REVISION");
    }
    if (!MANIFEST.matcher(new String(content, StandardCharsets.UTF_8)).lookingAt()) {
      throw new IllegalArgumentException("rock " + name + " " + version + ": not a rock_manifest = { ... } table");
    }
    return List.of(new Package(name, "", version, Ecosystem.LUAROCKS, PackageUrls.of(Ecosystem.LUAROCKS, "", name, version), NAME, List.of(location),
        null, null, Map.of()));
  }
}
