package dev.portcullis.catalog;

import dev.portcullis.core.Distro;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything installed in an image: the distribution, every package the catalogers find (sorted),
 * and the files they could not parse. Language packages whose files an OS package installed are
 * marked {@link Package#managedBy()}, so that matching goes through the distribution's feed.
 */
public record Catalog(Optional<Distro> distro, List<Package> packages, List<Unknown> unknowns) {
  public Catalog {
    packages = List.copyOf(packages);
    unknowns = List.copyOf(unknowns);
  }

  public static Catalog of(FileTree tree, List<Cataloger> catalogers, Path tempDir) throws IOException {
    Optional<Distro> distro = OsRelease.detect(tree);
    CatalogContext context = new CatalogContext(distro.orElse(null), tempDir, 16L << 20);
    List<Package> packages = new ArrayList<>();
    List<Unknown> unknowns = new ArrayList<>();
    Map<String, String> owned = new HashMap<>();
    for (Cataloger c : catalogers) {
      CatalogResult r = c.catalog(tree, context);
      packages.addAll(r.packages());
      unknowns.addAll(r.unknowns());
      for (var e : r.ownedFiles().entrySet()) {
        // package databases list paths as installed; the tree has them with symlinks resolved (merged /usr)
        owned.put(e.getKey(), e.getValue());
        tree.file(e.getKey()).map(FileEntry::path).ifPresent(real -> owned.put(real, e.getValue()));
      }
    }
    List<Package> marked = new ArrayList<>(packages.size());
    for (Package p : packages) {
      String owner = p.ecosystem().isOs() ? null : ownerOf(p, owned);
      marked.add(owner == null ? p : p.managedBy(owner));
    }
    marked.sort(null);
    unknowns.sort((a, b) -> a.location().compareTo(b.location()));
    return new Catalog(distro, marked, unknowns);
  }

  /** The OS package that installed the file behind {@code p}'s main location (the outer archive for nested ones). */
  private static @Nullable String ownerOf(Package p, Map<String, String> owned) {
    String path = p.location().path();
    int bang = path.indexOf("!/");
    return owned.get(bang < 0 ? path : path.substring(0, bang));
  }
}
