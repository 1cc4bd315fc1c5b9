package dev.portcullis.catalog.nix;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages in a Nix store, from the names of its store paths alone: {@code /nix/store/HASH-NAME-VERSION[-OUTPUT]},
 * the name and version split as Nix's {@code builtins.parseDrvName} splits them (the version starts at
 * the first {@code -} followed by a digit), an output other than {@code out} ({@code -bin},
 * {@code -dev}, {@code -lib}...) kept apart. The PURL is {@code pkg:nix/NAME@VERSION?output=..&outputhash=HASH}
 * as Syft writes it (the PURL spec has no nix type yet). Store paths without a version (sources,
 * {@code etc}, profiles) and derivations ({@code .drv}) are no packages; an entry of the store that
 * is no {@code HASH-NAME} at all is one unknown.
 */
public final class NixStoreCataloger implements Cataloger {
  public static final String NAME = "nix-store-cataloger";
  private static final String STORE = "/nix/store/";
  // Nix's base-32 alphabet omits e, o, u and t
  private static final Pattern STORE_PATH = Pattern.compile("([0-9a-df-np-sv-z]{32})-(.+)");
  private static final Pattern NAME_VERSION = Pattern.compile("(.+?)-([0-9].*)");
  private static final Set<String> OUTPUTS = Set.of("bin", "dev", "lib", "man", "doc", "info", "out", "static", "debug", "devdoc", "python", "modules",
      "terminfo", "data", "dist");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) {
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (FileEntry e : tree.entries(p -> p.startsWith(STORE) && p.length() > STORE.length())) {
      int slash = e.path().indexOf('/', STORE.length());
      String entry = slash < 0 ? e.path().substring(STORE.length()) : e.path().substring(STORE.length(), slash);
      if (!seen.add(entry) || entry.startsWith(".") || entry.endsWith(".drv") || entry.endsWith(".lock")) {
        continue;
      }
      // the store path's own entry sorts first; where the layer has none, its first file stands for it
      Matcher m = STORE_PATH.matcher(entry);
      if (!m.matches()) {
        unknowns.add(new Unknown(FileParsing.location(tree, e), NAME, "store entry '" + entry + "' is not HASH-NAME"));
        continue;
      }
      Matcher nv = NAME_VERSION.matcher(m.group(2));
      if (!nv.matches()) {
        continue;
      }
      String name = nv.group(1);
      String version = nv.group(2);
      String output = "";
      int dash = version.lastIndexOf('-');
      if (dash > 0 && OUTPUTS.contains(version.substring(dash + 1))) {
        output = version.substring(dash + 1);
        version = version.substring(0, dash);
      }
      Map<String, String> qualifiers = new TreeMap<>();
      if (!output.isEmpty()) {
        qualifiers.put("output", output);
      }
      qualifiers.put("outputhash", m.group(1));
      Map<String, String> metadata = new TreeMap<>();
      metadata.put("store-path", STORE + entry);
      if (!output.isEmpty()) {
        metadata.put("output", output);
      }
      packages.add(new Package(name, "", version, Ecosystem.NIX, PackageUrls.of(Ecosystem.NIX, "", name, version, qualifiers), NAME,
          List.of(FileParsing.location(tree, e)), null, null, metadata));
    }
    packages.sort(null);
    return new CatalogResult(packages, unknowns);
  }
}
