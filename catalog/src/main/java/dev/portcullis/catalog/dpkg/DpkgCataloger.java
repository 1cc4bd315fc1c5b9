package dev.portcullis.catalog.dpkg;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.catalog.internal.ControlParagraphs;
import dev.portcullis.catalog.internal.ControlParagraphs.Fields;
import dev.portcullis.catalog.internal.ControlParagraphs.Malformed;
import dev.portcullis.catalog.internal.ControlParagraphs.Paragraph;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Debian packages installed in an image, from dpkg's {@code /var/lib/dpkg/status} and from the
 * one-file-per-package {@code /var/lib/dpkg/status.d/} of distroless images (whose {@code
 * *.md5sums} are file lists, and maintainer scripts such as {@code *.preinst} and other control
 * members are skipped, not packages). A package counts when its {@code Status:} says it is
 * installed ({@code status.d} entries have none and always count). Versions are kept as written,
 * epoch included; the source package comes from {@code Source:}, else is the package itself, and
 * a source other than the package itself is the PURL's {@code upstream} qualifier. Each
 * package's files come from {@code /var/lib/dpkg/info/NAME[:ARCH].list}, or from its {@code
 * .md5sums} in {@code status.d}.
 */
public final class DpkgCataloger implements Cataloger {
  public static final String NAME = "dpkg-db-cataloger";
  static final String STATUS = "/var/lib/dpkg/status";
  static final String STATUS_D = "/var/lib/dpkg/status.d/";
  static final String INFO = "/var/lib/dpkg/info/";
  private static final String MD5SUMS = ".md5sums";
  private static final WholeFiles FILES = WholeFiles.matching("dpkg-db", STATUS, STATUS_D + "*", INFO + "*.list");
  // the third word of Status: for a package whose files are in place and configured
  private static final Set<String> INSTALLED = Set.of("installed", "triggers-pending", "triggers-awaited");
  private static final Pattern SOURCE = Pattern.compile("(\\S+)(?:\\s+\\((\\S+)\\))?");
  private static final Pattern NO_SPACE = Pattern.compile("\\S+");
  // the members of a .deb's control archive that distroless images may keep beside a package's status file
  private static final Set<String> CONTROL_MEMBERS = Set.of("md5sums", "conffiles", "preinst", "postinst", "prerm", "postrm", "config",
      "templates", "triggers", "shlibs", "symbols", "list", "sha256sums");

  @Override
  public String name() {
    return NAME;
  }

  /** A {@code status.d/PACKAGE.SUFFIX} that is a maintainer script or another control member, not a status file. */
  static boolean isControlMember(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 && CONTROL_MEMBERS.contains(file.substring(dot + 1));
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(FILES);
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    List<FileEntry> databases = new ArrayList<>();
    tree.resolve(STATUS).filter(DpkgCataloger::hasContent).ifPresent(databases::add);
    for (FileEntry e : tree.glob(STATUS_D + "*")) {
      if (hasContent(e) && !isControlMember(e.path())) {
        databases.add(e);
      }
    }
    if (databases.isEmpty()) {
      return CatalogResult.EMPTY;
    }
    List<FileEntry> fileLists = new ArrayList<>(tree.glob(INFO + "*.list"));
    fileLists.addAll(tree.glob(STATUS_D + "*" + MD5SUMS));
    fileLists.removeIf(e -> !hasContent(e));

    List<Unknown> unknowns = new ArrayList<>();
    Map<String, String> texts = new HashMap<>();
    List<FileEntry> wanted = new ArrayList<>();
    for (FileEntry e : databases) {
      if (e.size() > context.maxInMemoryBytes()) {
        unknowns.add(new Unknown(location(tree, e), NAME, "dpkg database of " + e.size() + " bytes is larger than the limit of " + context.maxInMemoryBytes()));
      } else {
        wanted.add(e);
      }
    }
    for (FileEntry e : fileLists) {
      if (e.size() <= context.maxInMemoryBytes()) {
        wanted.add(e);
      }
    }
    context.read(tree, wanted, FILES, (e, bytes) -> texts.put(e.path(), new String(bytes, StandardCharsets.UTF_8)));

    List<Package> packages = new ArrayList<>();
    TreeMap<String, List<String>> filesByPackage = new TreeMap<>();
    for (FileEntry db : databases) {
      String text = texts.get(db.path());
      if (text == null) {
        continue;
      }
      Location where = location(tree, db);
      boolean statusD = db.path().startsWith(STATUS_D);
      for (Paragraph p : ControlParagraphs.parse(text)) {
        switch (p) {
          case Malformed m -> unknowns.add(new Unknown(where, NAME, "stanza at line " + m.line() + ": " + m.reason()));
          case Fields f -> {
            switch (entry(f, statusD)) {
              case Entry.Installed i -> {
                Package pkg = toPackage(i, where, context);
                packages.add(pkg);
                String key = pkg.name() + "\u0000" + i.architecture();
                List<String> files = statusD ? md5sums(texts.get(db.path() + MD5SUMS)) : lines(texts, i);
                filesByPackage.put(key, files);
              }
              case Entry.NotInstalled n -> { }
              case Entry.Invalid bad -> unknowns.add(new Unknown(where, NAME, "stanza at line " + f.line() + ": " + bad.reason()));
            }
          }
        }
      }
    }
    Map<String, String> owned = new HashMap<>();
    // shared directories are listed by many packages: the first name in sorted order owns them, every run alike
    for (var e : filesByPackage.entrySet()) {
      String owner = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
      for (String path : e.getValue()) {
        owned.putIfAbsent(path, owner);
      }
    }
    packages.sort(null);
    return new CatalogResult(packages, unknowns, owned);
  }

  /** What a status paragraph says. */
  sealed interface Entry {
    record Installed(String name, String version, String architecture, SourcePackage source) implements Entry {}

    record NotInstalled() implements Entry {}

    record Invalid(String reason) implements Entry {}
  }

  static Entry entry(Fields f, boolean statusD) {
    String name = f.first("Package");
    if (!NO_SPACE.matcher(name).matches()) {
      return new Entry.Invalid(name.isEmpty() ? "no Package field" : "Package " + ControlParagraphs.shorten(name) + " is not a package name");
    }
    if (f.has("Status") || !statusD) {
      String[] status = f.first("Status").split("\\s+");
      if (status.length != 3) {
        return new Entry.Invalid("package " + name + ": Status " + ControlParagraphs.shorten(f.first("Status")) + " is not 'want flag status'");
      }
      if (!INSTALLED.contains(status[2])) {
        return new Entry.NotInstalled();
      }
    }
    String version = f.first("Version");
    if (!NO_SPACE.matcher(version).matches()) {
      return new Entry.Invalid("package " + name + ": " + (version.isEmpty() ? "no Version field" : "Version " + ControlParagraphs.shorten(version) + " has spaces"));
    }
    String arch = f.first("Architecture");
    SourcePackage source = new SourcePackage(name, version);
    if (f.has("Source")) {
      Matcher m = SOURCE.matcher(f.first("Source"));
      if (!m.matches()) {
        return new Entry.Invalid("package " + name + ": Source " + ControlParagraphs.shorten(f.first("Source")) + " is not 'name' or 'name (version)'");
      }
      source = new SourcePackage(m.group(1), m.group(2) != null ? m.group(2) : version);
    }
    return new Entry.Installed(name, version, arch, source);
  }

  private static Package toPackage(Entry.Installed i, Location where, CatalogContext context) {
    Optional<Distro> distro = context.distroIfAny();
    String namespace = distro.map(Distro::id).orElse("debian");
    PackageURLBuilder purl = PackageURLBuilder.aPackageURL().withType(Ecosystem.DEBIAN.purlType()).withNamespace(namespace)
        .withName(i.name()).withVersion(i.version());
    if (!i.architecture().isEmpty()) {
      purl.withQualifier("arch", i.architecture());
    }
    distro.ifPresent(d -> purl.withQualifier("distro", d.versionId().isEmpty() ? d.id() : d.id() + "-" + d.versionId()));
    upstream(i.name(), i.version(), i.source()).ifPresent(u -> purl.withQualifier("upstream", u));
    Map<String, String> metadata = i.architecture().isEmpty() ? Map.of() : Map.of("architecture", i.architecture());
    return new Package(i.name(), namespace, i.version(), Ecosystem.DEBIAN, build(purl), NAME, List.of(where), i.source(), null, metadata);
  }

  /**
   * The PURL's {@code upstream} qualifier, as other SBOM tools write it: the source package's name
   * when it differs from the binary's ({@code upstream=glibc} of libc6), with {@code @VERSION} when
   * the source's version differs ({@code upstream=openssl@3.0.2-0ubuntu1.15} of a binNMU); none
   * when the package is its own source.
   */
  static Optional<String> upstream(String name, String version, SourcePackage source) {
    if (source.version().equals(version)) {
      return source.name().equals(name) ? Optional.empty() : Optional.of(source.name());
    }
    return Optional.of(source.name() + "@" + source.version());
  }

  static String build(PackageURLBuilder purl) {
    try {
      return purl.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      // names and versions were checked to have no spaces; anything else a PURL encodes
      throw new IllegalStateException("package URL of " + purl.getName() + ": " + e.getMessage(), e);
    }
  }

  /** The paths in {@code NAME:ARCH.list} (multi-arch "same" packages) or {@code NAME.list}. */
  private static List<String> lines(Map<String, String> texts, Entry.Installed i) {
    String text = texts.get(INFO + i.name() + ":" + i.architecture() + ".list");
    if (text == null) {
      text = texts.get(INFO + i.name() + ".list");
    }
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        if (line.startsWith("/") && !line.equals("/.")) {
          out.add(line);
        }
      }
    }
    return out;
  }

  /** The paths in an md5sums file: {@code HASH  usr/lib/x}, relative to the root. */
  private static List<String> md5sums(@Nullable String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        int gap = line.indexOf("  ");
        if (gap > 0 && gap + 2 < line.length()) {
          String path = line.substring(gap + 2);
          out.add(path.startsWith("/") ? path : "/" + path);
        }
      }
    }
    return out;
  }

  private static boolean hasContent(FileEntry e) {
    return e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK;
  }

  private static Location location(FileTree tree, FileEntry e) {
    return FileParsing.location(tree, e);
  }
}
