package dev.portcullis.catalog.alpm;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.PackageUrls;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Packages pacman installed, from its local database: one directory per package,
 * {@code /var/lib/pacman/local/NAME-VERSION/}, whose {@code desc} holds {@code %KEY%} sections of
 * one value a line ({@code %NAME%}, {@code %VERSION%} as {@code [EPOCH:]PKGVER-PKGREL},
 * {@code %BASE%}, {@code %ARCH%}, {@code %LICENSE%}) and whose {@code files} lists under
 * {@code %FILES%} the paths it installed, relative to the root. A {@code desc} without name or
 * version is one unknown. The PURL is {@code pkg:alpm/DISTRO/NAME@VERSION?arch=..&distro=..}, with
 * {@code upstream=BASE} where the package base differs from the name.
 */
public final class AlpmCataloger implements Cataloger {
  public static final String NAME = "alpm-db-cataloger";
  static final String LOCAL = "/var/lib/pacman/local/";
  private static final String DESC = "/desc";
  private static final String FILES_LIST = "/files";
  private static final WholeFiles FILES = WholeFiles.matching("alpm-db", LOCAL + "*" + DESC, LOCAL + "*" + FILES_LIST);

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
    WholeFiles.Split split = FILES.split(tree, DESC);
    List<FileEntry> descs = split.ending();
    List<FileEntry> lists = split.others();
    if (descs.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    Optional<Distro> distro = context.distroIfAny();
    FileParsing.Parser parser = (entry, location, content) -> List.of(parse(content, location, distro));
    CatalogResult found = FileParsing.parseEach(tree, descs, context, NAME, FILES, parser);
    Map<String, String> ownerByDirectory = new HashMap<>();
    for (Package p : found.packages()) {
      String desc = p.location().path();
      ownerByDirectory.put(desc.substring(0, desc.length() - DESC.length()), p.name());
    }
    lists.removeIf(e -> e.size() > context.maxInMemoryBytes() || !ownerByDirectory.containsKey(directory(e)));
    Map<String, String> owned = new TreeMap<>();
    context.read(tree, lists, FILES, (entry, bytes) -> {
      String owner = ownerByDirectory.get(directory(entry));
      for (String path : installedFiles(new String(bytes, StandardCharsets.UTF_8))) {
        owned.putIfAbsent(path, owner);
      }
    });
    return new CatalogResult(found.packages(), found.unknowns(), owned);
  }

  private static String directory(FileEntry e) {
    return e.path().substring(0, e.path().lastIndexOf('/'));
  }

  /** The {@code %KEY%} sections of a {@code desc} or {@code files} file, each with its values in order. */
  static Map<String, List<String>> sections(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : text.split("\n", -1)) {
      if (line.length() > 2 && line.startsWith("%") && line.endsWith("%")) {
        current = out.computeIfAbsent(line.substring(1, line.length() - 1), k -> new ArrayList<>());
      } else if (line.isEmpty()) {
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    return out;
  }

  static Package parse(byte[] content, Location location, Optional<Distro> distro) {
    Map<String, List<String>> desc = sections(new String(content, StandardCharsets.UTF_8));
    String name = single(desc, "NAME");
    String version = single(desc, "VERSION");
    String base = desc.containsKey("BASE") ? single(desc, "BASE") : name;
    String arch = desc.containsKey("ARCH") ? single(desc, "ARCH") : "";
    Map<String, String> qualifiers = new TreeMap<>();
    if (!arch.isEmpty()) {
      qualifiers.put("arch", arch);
    }
    String namespace = distro.map(Distro::id).orElse("arch");
    qualifiers.put("distro", distro.map(d -> d.versionId().isEmpty() ? d.id() : d.id() + "-" + d.versionId()).orElse("arch"));
    if (!base.equals(name)) {
      qualifiers.put("upstream", base);
    }
    Map<String, String> metadata = new TreeMap<>();
    if (!arch.isEmpty()) {
      metadata.put("architecture", arch);
    }
    List<String> licenses = desc.getOrDefault("LICENSE", List.of());
    if (!licenses.isEmpty()) {
      metadata.put("license", String.join(" AND ", licenses));
    }
    return new Package(name, namespace, version, Ecosystem.ALPM, PackageUrls.of(Ecosystem.ALPM, namespace, name, version, qualifiers), NAME,
        List.of(location), new Package.SourcePackage(base, version), null, metadata);
  }

  /** The one value of {@code %KEY%}; throws when it is missing, empty or has spaces. */
  private static String single(Map<String, List<String>> desc, String key) {
    List<String> values = desc.getOrDefault(key, List.of());
    if (values.size() != 1 || values.get(0).isBlank() || values.get(0).chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(values.isEmpty() ? "no %" + key + "% value" : "%" + key + "% is not one word");
    }
    return values.get(0);
  }

  /** The files (not directories) a {@code files} list names, as absolute paths. */
  private static List<String> installedFiles(String text) {
    List<String> out = new ArrayList<>();
    for (String path : sections(text).getOrDefault("FILES", List.of())) {
      if (!path.endsWith("/")) {
        out.add("/" + path);
      }
    }
    return out;
  }
}
