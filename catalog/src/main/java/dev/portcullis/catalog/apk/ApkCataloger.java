package dev.portcullis.catalog.apk;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.core.Distro;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.Package.SourcePackage;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Packages installed by apk, from {@code /lib/apk/db/installed}: one block of {@code K:value}
 * lines per package, blocks separated by blank lines. {@code P:} is the name, {@code V:} the
 * version, {@code A:} the architecture, {@code o:} the origin (the source package); {@code F:}
 * names a directory and the {@code R:} lines after it the files the package put there.
 */
public final class ApkCataloger implements Cataloger {
  public static final String NAME = "apk-db-cataloger";
  static final String INSTALLED = "/lib/apk/db/installed";
  private static final WholeFiles FILES = WholeFiles.matching("apk-db", INSTALLED);

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
    Optional<FileEntry> db = tree.resolve(INSTALLED).filter(e -> e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK);
    if (db.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    FileEntry entry = db.get();
    Location where = FileParsing.location(tree, entry);
    if (entry.size() > context.maxInMemoryBytes()) {
      return new CatalogResult(List.of(), List.of(new Unknown(where, NAME,
          "apk database of " + entry.size() + " bytes is larger than the limit of " + context.maxInMemoryBytes())));
    }
    String[] text = new String[1];
    context.read(tree, List.of(entry), FILES, (e, bytes) -> text[0] = new String(bytes, StandardCharsets.UTF_8));
    if (text[0] == null) {
      return CatalogResult.EMPTY;
    }
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    TreeMap<String, List<String>> filesByPackage = new TreeMap<>();
    for (ApkBlock block : ApkBlock.parse(text[0])) {
      switch (block) {
        case ApkBlock.Malformed m -> unknowns.add(new Unknown(where, NAME, "block at line " + m.line() + ": " + m.reason()));
        case ApkBlock.Installed i -> {
          packages.add(toPackage(i, where, context));
          filesByPackage.merge(i.name(), i.files(), (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
          });
        }
      }
    }
    Map<String, String> owned = new HashMap<>();
    filesByPackage.forEach((owner, files) -> files.forEach(f -> owned.putIfAbsent(f, owner)));
    packages.sort(null);
    return new CatalogResult(packages, unknowns, owned);
  }

  private static Package toPackage(ApkBlock.Installed i, Location where, CatalogContext context) {
    Optional<Distro> distro = context.distroIfAny();
    String namespace = distro.map(Distro::id).orElse("alpine");
    PackageURLBuilder purl = PackageURLBuilder.aPackageURL().withType(Ecosystem.ALPINE.purlType()).withNamespace(namespace)
        .withName(i.name()).withVersion(i.version());
    if (!i.architecture().isEmpty()) {
      purl.withQualifier("arch", i.architecture());
    }
    distro.ifPresent(d -> purl.withQualifier("distro", d.versionId().isEmpty() ? d.id() : d.id() + "-" + d.versionId()));
    String url;
    try {
      url = purl.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalStateException("package URL of " + i.name() + ": " + e.getMessage(), e);
    }
    SourcePackage source = new SourcePackage(i.origin().isEmpty() ? i.name() : i.origin(), i.version());
    Map<String, String> metadata = i.architecture().isEmpty() ? Map.of() : Map.of("architecture", i.architecture());
    return new Package(i.name(), namespace, i.version(), Ecosystem.ALPINE, url, NAME, List.of(where), source, null, metadata);
  }
}
