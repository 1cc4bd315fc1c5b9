package dev.portcullis.catalog.npm;

import dev.portcullis.catalog.CatalogContext;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FileCapture;
import dev.portcullis.catalog.FileParsing;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Location;
import dev.portcullis.core.Package;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * npm packages pinned by {@code package-lock.json} (lockfile versions 1, 2 and 3),
 * {@code yarn.lock} (classic v1 and berry) and {@code pnpm-lock.yaml} (lockfile versions 5, 6
 * and 9). A lock file inside {@code node_modules} (pnpm keeps a copy in {@code .pnpm}) is skipped:
 * it belongs to a package's own development, not to what is installed. The project itself and
 * workspace links are not packages.
 */
public final class NpmLockCataloger implements Cataloger {
  public static final String NAME = "npm-lock-cataloger";
  private static final WholeFiles FILES = WholeFiles.matching("npm-lock-files", "**/package-lock.json", "**/yarn.lock", "**/pnpm-lock.yaml");

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
    List<FileEntry> locks = FILES.select(tree).stream().filter(e -> !e.path().contains("/node_modules/")).toList();
    return FileParsing.parseEach(tree, locks, context, NAME, FILES, NpmLockCataloger::parse);
  }

  static List<Package> parse(FileEntry entry, Location location, byte[] content) throws IOException {
    if (entry.path().endsWith("/yarn.lock")) {
      return YarnLock.parse(new String(content, StandardCharsets.UTF_8), location);
    }
    return entry.path().endsWith("/pnpm-lock.yaml") ? PnpmLock.parse(content, location) : PackageLock.parse(content, location);
  }
}
