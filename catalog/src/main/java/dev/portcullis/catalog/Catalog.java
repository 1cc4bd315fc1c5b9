package dev.portcullis.catalog;

import dev.portcullis.core.Distro;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.core.SideBySide;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.LayerAnalyzer;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerIndex;
import dev.portcullis.oci.tree.LayerIndexer;
import dev.portcullis.oci.tree.LayerScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything installed in an image: the distribution, every package the catalogers find (sorted),
 * and the files they could not parse. Language packages whose files an OS package installed are
 * marked {@link Package#managedBy()}, so that matching goes through the distribution's feed; what
 * a lock file alone names is marked {@value #DECLARED}; a binary that a
 * cataloger identified from its own file is left out where an OS package installed that file
 * ({@link Cataloger#yieldsToOsPackages()}), and a package an SBOM shipped in the image states is left
 * out where a cataloger found it from the files themselves ({@link Cataloger#restates()}).
 */
public record Catalog(Optional<Distro> distro, List<Package> packages, List<Unknown> unknowns) {
  public Catalog {
    packages = List.copyOf(packages);
    unknowns = List.copyOf(unknowns);
  }

  /** The most the captures of one scan keep in memory; what is over it is read again when needed. */
  private static final long MAX_CAPTURED = 256L << 20;

  /**
   * The metadata key, {@code true}, of a package a lock file names that nothing installed shows:
   * declared, not known to be installed (a vendored lock file shipped inside another package).
   */
  public static final String DECLARED = "declared";

  /**
   * The metadata key, {@code true}, of a package a lock file marks as a development dependency
   * (npm's {@code dev}, pnpm's dev-only importers, Composer's {@code require-dev}): needed to build
   * or test, not to run.
   */
  public static final String DEV = "dev";

  /**
   * Catalogs an image reading its layers once: each layer is indexed and the catalogers' captures
   * are taken in the same pass, and both are kept in {@code scanner}'s cache by diffID, so an image
   * whose layers were seen before is catalogued without reading them.
   */
  public static Catalog read(Image image, LayerScanner scanner, List<Cataloger> catalogers, Path tempDir) throws IOException {
    return read(image, scanner, catalogers, tempDir, MAX_CAPTURED, w -> {});
  }

  /**
   * As {@link #read(Image, LayerScanner, List, Path)}, telling {@code warnings} what could not be
   * taken as it is while the layers were read (a file of a directory that could not be read).
   */
  public static Catalog read(Image image, LayerScanner scanner, List<Cataloger> catalogers, Path tempDir, Consumer<String> warnings)
      throws IOException {
    return read(image, scanner, catalogers, tempDir, MAX_CAPTURED, warnings);
  }

  /** As {@link #read(Image, LayerScanner, List, Path)}, the captures keeping at most {@code maxCaptured} bytes in memory. */
  static Catalog read(Image image, LayerScanner scanner, List<Cataloger> catalogers, Path tempDir, long maxCaptured) throws IOException {
    return read(image, scanner, catalogers, tempDir, maxCaptured, w -> {});
  }

  private static Catalog read(Image image, LayerScanner scanner, List<Cataloger> catalogers, Path tempDir, long maxCaptured,
      Consumer<String> warnings) throws IOException {
    Pass pass = new Pass(catalogers, tempDir, maxCaptured);
    List<LayerIndex> indexes = new ArrayList<>();
    List<LayerScanner.Results> layers = scanner.scan(image, List.of(LayerIndexer.INSTANCE, pass.analyzer()));
    for (LayerScanner.Results r : layers) {
      indexes.add(r.get(LayerIndexer.INSTANCE));
    }
    FileTree tree = FileTree.squash(image, indexes);
    tree.warnings().forEach(warnings);
    return pass.catalog(tree, layers);
  }

  /** The cataloguing of one image around a layer pass that others share; see {@link Pass}. */
  public static Pass pass(List<Cataloger> catalogers, Path tempDir) {
    return new Pass(catalogers, tempDir, MAX_CAPTURED);
  }

  /**
   * The cataloguing of one image in two halves around the one pass over its layers: {@link
   * #analyzer()} takes the catalogers' captures while each layer streams, beside whatever other
   * analysers the pass runs, and {@link #catalog} then catalogs the squashed tree from them. One
   * per scan: the bound on the captures' memory holds for all the layers of one scan together.
   */
  public static final class Pass {
    private final List<Cataloger> catalogers;
    private final Path tempDir;
    private final CaptureAnalyzer analyzer;

    private Pass(List<Cataloger> catalogers, Path tempDir, long maxCaptured) {
      List<FileCapture> captures = new ArrayList<>(List.of(OsRelease.FILES));
      Set<String> names = new HashSet<>();
      captures.forEach(c -> names.add(c.name()));
      for (Cataloger c : catalogers) {
        for (FileCapture capture : c.captures()) {
          if (!names.add(capture.name())) {
            throw new IllegalStateException("two captures are named '" + capture.name() + "' (cataloger " + c.name() + ")");
          }
          captures.add(capture);
        }
      }
      this.catalogers = List.copyOf(catalogers);
      this.tempDir = tempDir;
      this.analyzer = new CaptureAnalyzer(captures, new CatalogContext(null, tempDir, WholeFiles.MAX_BYTES), maxCaptured);
    }

    /** The analyser to run in the layer pass. */
    public LayerAnalyzer<LayerCaptures> analyzer() {
      return analyzer;
    }

    /** The catalog of the image whose squashed tree is {@code tree}, from the results of a pass that ran {@link #analyzer()}. */
    public Catalog catalog(FileTree tree, List<LayerScanner.Results> layers) throws IOException {
      List<@Nullable LayerCaptures> captured = new ArrayList<>();
      for (LayerScanner.Results r : layers) {
        captured.add(r.get(analyzer));
      }
      return of(tree, catalogers, tempDir, new Captured(captured));
    }
  }

  /** Catalogs a tree already read; every file a cataloger needs is read from its layer. */
  public static Catalog of(FileTree tree, List<Cataloger> catalogers, Path tempDir) throws IOException {
    return of(tree, catalogers, tempDir, Captured.none());
  }

  private static Catalog of(FileTree tree, List<Cataloger> catalogers, Path tempDir, Captured captured) throws IOException {
    CatalogContext base = new CatalogContext(null, tempDir, WholeFiles.MAX_BYTES, captured);
    Optional<Distro> distro = OsRelease.detect(tree, base);
    CatalogContext context = new CatalogContext(distro.orElse(null), tempDir, WholeFiles.MAX_BYTES, captured);
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    List<CatalogResult> results = runAll(tree, catalogers, context);
    Set<String> declaring = new HashSet<>();
    Set<String> yielding = new HashSet<>();
    Set<String> restating = new HashSet<>();
    for (int i = 0; i < results.size(); i++) {
      CatalogResult r = results.get(i);
      packages.addAll(r.packages());
      unknowns.addAll(r.unknowns());
      if (catalogers.get(i).declares()) {
        declaring.add(catalogers.get(i).name());
      }
      if (catalogers.get(i).yieldsToOsPackages()) {
        yielding.add(catalogers.get(i).name());
      }
      if (catalogers.get(i).restates()) {
        restating.add(catalogers.get(i).name());
      }
    }
    packages = withoutRestated(withoutDeclaredInstalled(packages, declaring), restating);
    // only language packages can be managed by an OS package
    Map<String, String> owned = packages.stream().allMatch(p -> p.ecosystem().isOs()) ? Map.of() : owners(tree, results);
    List<Package> marked = new ArrayList<>(packages.size());
    for (Package p : packages) {
      String owner = p.ecosystem().isOs() ? null : ownerOf(p, owned);
      if (owner == null) {
        marked.add(p);
      } else if (!yielding.contains(p.foundBy())) {
        marked.add(p.managedBy(owner));
      }
    }
    marked.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new Catalog(distro, marked, unknowns);
  }

  /**
   * The packages less those a lock file declares ({@code declaring} names its catalogers) that are
   * also installed below the lock file's directory: the installed one stays, as Syft and Trivy
   * report an image's installed packages. The declared packages that remain carry metadata
   * {@value #DECLARED}{@code =true}.
   */
  private static List<Package> withoutDeclaredInstalled(List<Package> packages, Set<String> declaring) {
    if (declaring.isEmpty()) {
      return packages;
    }
    Map<String, List<String>> installedAt = new HashMap<>();
    for (Package p : packages) {
      if (!declaring.contains(p.foundBy())) {
        for (Location l : p.locations()) {
          installedAt.computeIfAbsent(p.purl(), k -> new ArrayList<>()).add(l.path());
        }
      }
    }
    List<Package> kept = new ArrayList<>(packages.size());
    for (Package p : packages) {
      if (!declaring.contains(p.foundBy())) {
        kept.add(p);
      } else if (!installedBelowItsLockFile(p, installedAt.getOrDefault(p.purl(), List.of()))) {
        kept.add(declared(p));
      }
    }
    return kept;
  }

  /** The packages less those a restating cataloger ({@code restating}) found that another cataloger found too. */
  private static List<Package> withoutRestated(List<Package> packages, Set<String> restating) {
    if (restating.isEmpty()) {
      return packages;
    }
    Set<List<Object>> found = new HashSet<>();
    for (Package p : packages) {
      if (!restating.contains(p.foundBy())) {
        found.add(identity(p));
      }
    }
    return packages.stream().filter(p -> !restating.contains(p.foundBy()) || !found.contains(identity(p))).toList();
  }

  /** What names one package whichever cataloger found it; an SBOM may leave an OS package's namespace (the distribution) out. */
  private static List<Object> identity(Package p) {
    return List.of(p.ecosystem(), p.ecosystem().isOs() ? "" : p.namespace(), p.name(), p.version());
  }

  /** {@code p} with metadata {@code declared=true}: a lock file names it, nothing shows it installed. */
  private static Package declared(Package p) {
    Map<String, String> metadata = new TreeMap<>(p.metadata());
    metadata.put(DECLARED, "true");
    return new Package(p.name(), p.namespace(), p.version(), p.ecosystem(), p.purl(), p.foundBy(), p.locations(), p.source(), p.managedBy(), metadata);
  }

  private static boolean installedBelowItsLockFile(Package declared, List<String> installed) {
    for (Location lock : declared.locations()) {
      String dir = lock.path().substring(0, lock.path().lastIndexOf('/') + 1);
      if (installed.stream().anyMatch(path -> path.startsWith(dir))) {
        return true;
      }
    }
    return false;
  }

  /** Every cataloger's result, in the catalogers' order; they run side by side, one per core, as each only reads the tree. */
  private static List<CatalogResult> runAll(FileTree tree, List<Cataloger> catalogers, CatalogContext context) throws IOException {
    return SideBySide.map(catalogers, "catalog", c -> c.catalog(tree, context));
  }

  /**
   * Path → owning OS package, each path both as the package database lists it and as the tree has
   * it with symlinks resolved (merged /usr lists {@code /bin/ls}, the tree holds {@code /usr/bin/ls}).
   * A later cataloger's claim on a path wins, as does the resolved form over a listed one.
   */
  private static Map<String, String> owners(FileTree tree, List<CatalogResult> results) throws IOException {
    Map<String, String> owned = new HashMap<>();
    Map<String, Optional<String>> directories = new HashMap<>();
    for (CatalogResult r : results) {
      for (var e : r.ownedFiles().entrySet()) {
        String path = e.getKey();
        owned.put(path, e.getValue());
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
          continue;
        }
        // thousands of files share a few hundred directories: each directory is resolved once
        String parent = path.substring(0, slash);
        Optional<String> dir = directories.get(parent);
        if (dir == null) {
          dir = tree.resolve(parent).map(FileEntry::path);
          directories.put(parent, dir);
        }
        if (dir.isPresent()) {
          String real = dir.get() + path.substring(slash);
          if (!real.equals(path) && tree.file(real).isPresent()) {
            owned.put(real, e.getValue());
          }
        }
      }
    }
    return owned;
  }

  /** The OS package that installed the file behind {@code p}'s main location (the outer archive for nested ones). */
  private static @Nullable String ownerOf(Package p, Map<String, String> owned) {
    String path = p.location().path();
    int bang = path.indexOf("!/");
    return owned.get(bang < 0 ? path : path.substring(0, bang));
  }
}
