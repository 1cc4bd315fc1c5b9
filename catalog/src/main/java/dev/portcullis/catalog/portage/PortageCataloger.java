package dev.portcullis.catalog.portage;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages Portage installed, from its installed-package database: one directory per package,
 * {@code /var/db/pkg/CATEGORY/PF/}, named by the package and its version with revision
 * ({@code openssl-3.0.13-r2}), whose {@code CONTENTS} lists the files it installed
 * ({@code obj PATH MD5 MTIME}, {@code sym PATH -> TARGET MTIME}, {@code dir PATH}) and whose
 * {@code LICENSE} holds its license expression. A directory whose name is no package and version
 * (a {@code -MERGING-} leftover of an interrupted merge) is one unknown. The PURL is
 * {@code pkg:ebuild/CATEGORY/NAME@VERSION}.
 */
public final class PortageCataloger implements Cataloger {
  public static final String NAME = "portage-cataloger";
  static final String VDB = "/var/db/pkg/";
  private static final String CONTENTS = "/CONTENTS";
  private static final String LICENSE = "/LICENSE";
  private static final WholeFiles FILES = WholeFiles.matching("portage-vdb", VDB + "*/*" + CONTENTS, VDB + "*/*" + LICENSE);
  // PMS 3.1-3.2: a name, then '-' and a version (numbers, one letter, _alpha/_beta/_pre/_rc/_p suffixes, -rN revision)
  private static final Pattern PF = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9+_-]*)-([0-9]+(?:\\.[0-9]+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)[0-9]*)*(?:-r[0-9]+)?)");
  private static final Pattern CATEGORY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9+_.-]*");

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
    WholeFiles.Split split = FILES.split(tree, CONTENTS);
    List<FileEntry> contents = split.ending();
    List<FileEntry> licenses = split.others();
    if (contents.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    Map<String, String> licenseByDirectory = new HashMap<>();
    licenses.removeIf(e -> e.size() > context.maxInMemoryBytes());
    context.read(tree, licenses, FILES, (e, bytes) -> licenseByDirectory.put(directory(e.path()), new String(bytes, StandardCharsets.UTF_8).strip()));
    Map<String, String> owned = new TreeMap<>();
    FileParsing.Parser parser = (entry, location, content) -> {
      Package p = parse(location, licenseByDirectory.getOrDefault(directory(entry.path()), ""));
      for (String path : installedFiles(new String(content, StandardCharsets.UTF_8))) {
        owned.putIfAbsent(path, p.name());
      }
      return List.of(p);
    };
    CatalogResult found = FileParsing.parseEach(tree, contents, context, NAME, FILES, parser);
    return new CatalogResult(found.packages(), found.unknowns(), owned);
  }

  private static String directory(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  /** The package whose {@code CONTENTS} is at {@code location}, named by its directory. */
  static Package parse(Location location, String license) {
    String dir = directory(location.path());
    String pf = dir.substring(dir.lastIndexOf('/') + 1);
    String category = dir.substring(VDB.length(), dir.lastIndexOf('/'));
    Matcher m = PF.matcher(pf);
    if (!m.matches() || !CATEGORY.matcher(category).matches()) {
      throw new IllegalArgumentException("directory " + category + "/" + pf + " is not CATEGORY/NAME-VERSION");
    }
    String name = m.group(1);
    String version = m.group(2);
    Map<String, String> metadata = license.isEmpty() ? Map.of() : Map.of("license", license);
    return new Package(name, category, version, Ecosystem.PORTAGE, PackageUrls.of(Ecosystem.PORTAGE, category, name, version), NAME, List.of(location),
        null, null, metadata);
  }

  /** The files and symbolic links (not directories) a {@code CONTENTS} names. */
  static List<String> installedFiles(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("obj /")) {
        // obj PATH MD5 MTIME: the path may hold spaces, the last two fields never do
        int mtime = line.lastIndexOf(' ');
        int md5 = mtime > 4 ? line.lastIndexOf(' ', mtime - 1) : -1;
        if (md5 > 4) {
          out.add(line.substring(4, md5));
        }
      } else if (line.startsWith("sym /")) {
        int arrow = line.indexOf(" -> ");
        if (arrow > 4) {
          out.add(line.substring(4, arrow));
        }
      }
    }
    return out;
  }
}
