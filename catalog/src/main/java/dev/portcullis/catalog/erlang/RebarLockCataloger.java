package dev.portcullis.catalog.erlang;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hex packages a rebar3 {@code rebar.lock} pins: Erlang terms, {@code {"1.2.0", [Deps]}.} then
 * {@code [{pkg_hash, [...]}, {pkg_hash_ext, [...]}].} (or, before rebar3 3.5, the bare list of
 * deps), each dep {@code {<<"app">>, {pkg, <<"package">>, <<"1.2.3">>}, Level}} over one line or
 * several. The Hex package name is the {@code pkg} tuple's (it differs from the application's for
 * a renamed package); {@code git} deps pin no Hex release and are left out; a {@code pkg} dep that
 * does not read is one unknown. The {@code pkg_hash} checksum is kept.
 */
public final class RebarLockCataloger extends FileCataloger {
  public static final String NAME = "erlang-rebar-lock-cataloger";
  // a dep's start: {<<"app">>, {SOURCE, -- a pkg_hash entry {<<"app">>, <<"HASH">>} has no tuple after its comma
  private static final Pattern DEP = Pattern.compile("\\{<<\"([^\"]*)\">>,\\s*\\{(\\w+)\\s*,");
  private static final Pattern PKG = Pattern.compile("\\G\\s*<<\"([A-Za-z0-9_]+)\">>\\s*,\\s*<<\"([^\"\\s]+)\">>\\s*\\}");
  private static final Pattern HASH = Pattern.compile("\\{<<\"([^\"]*)\">>,\\s*<<\"([0-9A-Fa-f]+)\">>\\}");

  public RebarLockCataloger() {
    super(NAME, WholeFiles.matching("erlang-rebar-lock", "**/rebar.lock"), RebarLockCataloger::parse);
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    String start = text.stripLeading();
    if (!start.startsWith("{") && !start.startsWith("[")) {
      throw new IllegalArgumentException("not Erlang terms ({\"1.2.0\", [...]}. or [...].): not a rebar.lock");
    }
    int hashes = text.indexOf("{pkg_hash,");
    String deps = hashes < 0 ? text : text.substring(0, hashes);
    Map<String, String> checksums = new HashMap<>();
    if (hashes >= 0) {
      int ext = text.indexOf("{pkg_hash_ext,", hashes);
      Matcher h = HASH.matcher(ext < 0 ? text.substring(hashes) : text.substring(hashes, ext));
      while (h.find()) {
        checksums.put(h.group(1), h.group(2));
      }
    }
    List<Package> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Matcher d = DEP.matcher(deps);
    while (d.find()) {
      if (!d.group(2).equals("pkg")) {
        continue;
      }
      Matcher pkg = PKG.matcher(deps);
      if (!pkg.find(d.end())) {
        problems.add("dep '" + d.group(1) + "': not {pkg, <<\"name\">>, <<\"version\">>}");
        continue;
      }
      String name = pkg.group(1);
      String version = pkg.group(2);
      String checksum = checksums.get(d.group(1));
      Map<String, String> metadata = checksum == null ? Map.of() : Map.of("checksum", checksum);
      packages.add(new Package(name, "", version, Ecosystem.HEX, PackageUrls.of(Ecosystem.HEX, "", name, version), NAME, List.of(location), null,
          null, metadata));
    }
    return new Parsed(packages, problems);
  }
}
