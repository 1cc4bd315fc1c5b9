package dev.portcullis.catalog.java;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.internal.CatalogJson;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.Unknown;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.core.Ecosystem;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.FileType;
import dev.portcullis.oci.tree.Spool;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Maven packages in Java archives ({@code .jar .war .ear .jpi .hpi}) and in the archives nested
 * inside them to any depth ({@code BOOT-INF/lib}, {@code WEB-INF/lib}, any archive entry), located
 * by virtual paths such as {@code /app/app.jar!/BOOT-INF/lib/x.jar}. Each archive is one package,
 * identified as {@link ArchiveIdentity} says; every other {@code pom.properties} it carries is a
 * package of its own (a shaded part) located at that file. Nesting deeper than
 * {@link Limits#maxDepth()}, archives beyond {@link Limits#maxBytes()} in total per file of the
 * image, and archives that are not readable zips are reported as {@link Unknown}s.
 */
public final class JavaArchiveCataloger implements Cataloger {
  public static final String NAME = "java-archive-cataloger";
  private static final int MAX_TEXT_BYTES = 1 << 20;

  /**
   * Bounds against zip bombs.
   *
   * @param maxDepth how deep nested archives are read: 1 reads the archives inside a file of the image, not those inside them
   * @param maxBytes how many bytes of archives, the file's own and every nested one uncompressed, are read per file of the image
   */
  public record Limits(int maxDepth, long maxBytes) {
    public static final Limits DEFAULTS = new Limits(8, 2L << 30);

    public Limits {
      if (maxDepth < 0 || maxBytes <= 0) {
        throw new IllegalArgumentException("limits must be positive: depth " + maxDepth + ", bytes " + maxBytes);
      }
    }
  }

  private final Limits limits;
  private final FileCapture walked;

  public JavaArchiveCataloger() {
    this(Limits.DEFAULTS);
  }

  public JavaArchiveCataloger(Limits limits) {
    this.limits = limits;
    this.walked = new WalkCapture();
  }

  /** What one archive holds, its locations not yet tied to a layer (index -1, no diffID). */
  record Walked(List<Package> packages, List<Unknown> unknowns) {}

  /** An archive's packages found while its layer is first read, kept as JSON; so a fat jar is read once. */
  private final class WalkCapture implements FileCapture {
    @Override
    public String name() {
      return "java-archives";
    }

    @Override
    public int version() {
      return Objects.hash(2, limits) & 0x7fffffff;
    }

    @Override
    public boolean wants(String path, int mode, long size) {
      return size <= limits.maxBytes() && ArchiveName.isArchive(path);
    }

    @Override
    public byte[] capture(String path, long size, InputStream content, CatalogContext context) throws IOException {
      List<Package> packages = new ArrayList<>();
      List<Unknown> unknowns = new ArrayList<>();
      try (Spool spool = Spool.of(content, size, context.tempDir(), context.maxInMemoryBytes(), limits.maxBytes())) {
        new Walk(context, limits.maxBytes() - spool.size(), packages, unknowns).archive(new Location(path, -1, null), spool, 0);
      }
      return CatalogJson.MAPPER.writeValueAsBytes(new Walked(packages, unknowns));
    }
  }

  @Override
  public List<FileCapture> captures() {
    return List.of(walked);
  }

  /** {@code l} in the layer of the archive at {@code outer}. */
  private static Location at(Location l, Location outer) {
    return new Location(l.path(), outer.layerIndex(), outer.layerDiffId());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException {
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    List<FileEntry> archives = new ArrayList<>();
    for (FileEntry e : tree.entries(ArchiveName::isArchive)) {
      if (e.type() == FileType.REGULAR || e.type() == FileType.HARDLINK) {
        if (e.size() > limits.maxBytes()) {
          unknowns.add(new Unknown(locationOf(tree, e), NAME, "archive of " + e.size() + " bytes not read: larger than the limit of " + limits.maxBytes()));
        } else {
          archives.add(e);
        }
      }
    }
    context.read(tree, archives, walked, (entry, kept) -> {
      Walked w = CatalogJson.MAPPER.readValue(kept, Walked.class);
      Location outer = locationOf(tree, entry);
      for (Package p : w.packages()) {
        packages.add(new Package(p.name(), p.namespace(), p.version(), p.ecosystem(), p.purl(), p.foundBy(),
            p.locations().stream().map(l -> at(l, outer)).toList(), p.source(), p.managedBy(), p.metadata()));
      }
      for (Unknown u : w.unknowns()) {
        unknowns.add(new Unknown(at(u.location(), outer), u.cataloger(), u.reason()));
      }
    });
    packages.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new CatalogResult(packages, unknowns);
  }

  private static Location locationOf(FileTree tree, FileEntry e) {
    return FileParsing.location(tree, e);
  }

  /** One file of the image and everything nested in it, sharing one byte budget. */
  private final class Walk {
    private final CatalogContext context;
    private final List<Package> packages;
    private final List<Unknown> unknowns;
    private long remaining;

    Walk(CatalogContext context, long remaining, List<Package> packages, List<Unknown> unknowns) {
      this.context = context;
      this.remaining = remaining;
      this.packages = packages;
      this.unknowns = unknowns;
    }

    void archive(Location at, Spool content, int depth) throws IOException {
      try (SeekableByteChannel channel = content.channel(); ZipFile zip = ZipFile.builder().setSeekableByteChannel(channel).setIgnoreLocalFileHeader(true).get()) {
        List<ZipArchiveEntry> entries = new ArrayList<>(Collections.list(zip.getEntries()));
        entries.sort((a, b) -> a.getName().compareTo(b.getName()));
        identify(at, zip, entries);
        for (ZipArchiveEntry e : entries) {
          if (!e.isDirectory() && ArchiveName.isArchive(e.getName())) {
            nested(at.inside(e.getName()), zip, e, depth + 1);
          }
        }
      } catch (IOException | RuntimeException e) {
        // commons-compress reports a non-zip as IOException, some damaged headers as runtime exceptions
        unknowns.add(new Unknown(at, NAME, "not a readable zip archive: " + e.getMessage()));
      }
    }

    private void nested(Location at, ZipFile zip, ZipArchiveEntry e, int depth) throws IOException {
      if (depth > limits.maxDepth()) {
        unknowns.add(new Unknown(at, NAME, "nested archive not read: deeper than the limit of " + limits.maxDepth() + " levels"));
        return;
      }
      if (e.getSize() > remaining) {
        unknowns.add(new Unknown(at, NAME, budgetReason()));
        return;
      }
      Counting counted = null;
      Spool spool;
      try (InputStream in = zip.getInputStream(e)) {
        counted = new Counting(in);
        spool = Spool.of(counted, e.getSize(), context.tempDir(), context.maxInMemoryBytes(), remaining);
      } catch (IOException | RuntimeException ex) {
        boolean over = counted != null && counted.count > remaining;
        unknowns.add(new Unknown(at, NAME, over ? budgetReason() : "nested archive not readable: " + ex.getMessage()));
        return;
      }
      try (spool) {
        remaining -= spool.size();
        archive(at, spool, depth);
      }
    }

    private String budgetReason() {
      return "nested archive not read: the archives in this file exceed the limit of " + limits.maxBytes() + " bytes in total";
    }

    /** Records the archive's package and the embedded ones its other pom.properties name. */
    private void identify(Location at, ZipFile zip, List<ZipArchiveEntry> entries) throws IOException {
      List<PomProperties> poms = new ArrayList<>();
      Map<String, String> manifest = new TreeMap<>();
      SortedMap<String, Integer> packagesOfClasses = new TreeMap<>();
      for (ZipArchiveEntry e : entries) {
        String name = e.getName();
        if (e.isDirectory()) {
          continue;
        }
        if (PomProperties.isPomProperties(name)) {
          try {
            Optional<PomProperties> pom = PomProperties.parse(name, text(zip, e));
            if (pom.isPresent()) {
              poms.add(pom.get());
            } else {
              unknowns.add(new Unknown(at.inside(name), NAME, "pom.properties without artifactId or version"));
            }
          } catch (IllegalArgumentException ex) {
            unknowns.add(new Unknown(at.inside(name), NAME, "malformed pom.properties: " + ex.getMessage()));
          }
        } else if (name.equals("META-INF/MANIFEST.MF")) {
          try {
            Attributes main = new Manifest(new ByteArrayInputStream(text(zip, e).getBytes(StandardCharsets.UTF_8))).getMainAttributes();
            main.forEach((k, v) -> manifest.put(k.toString(), v.toString()));
          } catch (IOException | IllegalArgumentException ex) {
            // the archive is still named by its pom.properties or file name
            unknowns.add(new Unknown(at.inside(name), NAME, "malformed manifest: " + ex.getMessage()));
          }
        } else if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.startsWith("BOOT-INF/") && !name.startsWith("WEB-INF/")) {
          // module-info and other classes of the unnamed package say nothing of the group
          int slash = name.lastIndexOf('/');
          if (slash > 0) {
            packagesOfClasses.merge(name.substring(0, slash).replace('/', '.'), 1, Integer::sum);
          }
        }
      }
      ArchiveIdentity id = ArchiveIdentity.of(ArchiveName.of(at.path()), poms, manifest, packagesOfClasses);
      List<Location> where = id.own().map(p -> List.of(at, at.inside(p.entry()))).orElse(List.of(at));
      packages.add(maven(id.groupId(), id.artifactId(), id.version(), where, id.evidence().label, Optional.empty()));
      for (PomProperties p : poms) {
        if (id.own().filter(p::equals).isEmpty()) {
          packages.add(maven(p.groupId(), p.artifactId(), p.version(), List.of(at.inside(p.entry())), "pom.properties", Optional.of(at.path())));
        }
      }
    }
  }

  private static String text(ZipFile zip, ZipArchiveEntry e) throws IOException {
    try (InputStream in = zip.getInputStream(e)) {
      return new String(in.readNBytes(MAX_TEXT_BYTES), StandardCharsets.UTF_8);
    }
  }

  /**
   * A Maven PURL requires a namespace; for an archive whose groupId nothing tells, it is left out
   * ({@code pkg:maven/foo@1.0}) rather than guessed, and {@link Package#namespace()} is empty.
   */
  private static Package maven(String group, String artifact, String version, List<Location> where, String evidence, Optional<String> embeddedIn) {
    String purl;
    try {
      purl = PackageURLBuilder.aPackageURL().withType(Ecosystem.MAVEN.purlType()).withNamespace(group.isEmpty() ? "unknown" : group)
          .withName(artifact).withVersion(version.isEmpty() ? null : version).build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalStateException("package URL of maven " + group + ":" + artifact + ":" + version, e);
    }
    if (group.isEmpty()) {
      purl = "pkg:maven/" + purl.substring("pkg:maven/unknown/".length());
    }
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("evidence", evidence);
    embeddedIn.ifPresent(p -> metadata.put("embeddedIn", p));
    return new Package(artifact, group, version, Ecosystem.MAVEN, purl, NAME, where, null, null, metadata);
  }

  /** Counts what passes, so that a budget breach is told from damage. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
