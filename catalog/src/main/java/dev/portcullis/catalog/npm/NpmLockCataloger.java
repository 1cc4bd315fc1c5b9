package dev.portcullis.catalog.npm;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Location;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * npm packages pinned by {@code package-lock.json} (lockfile versions 1, 2 and 3),
 * {@code yarn.lock} (classic v1 and berry) and {@code pnpm-lock.yaml} (lockfile versions 5, 6
 * and 9). A lock file inside {@code node_modules} (pnpm keeps a copy in {@code .pnpm}) is skipped:
 * it belongs to a package's own development, not to what is installed. The project itself and
 * workspace links are not packages. An entry that does not parse is an unknown of its own, the
 * file's other entries still packages.
 */
public final class NpmLockCataloger extends FileCataloger {
  public static final String NAME = "npm-lock-cataloger";

  public NpmLockCataloger() {
    super(NAME, WholeFiles.matching("npm-lock-files", "**/package-lock.json", "**/yarn.lock", "**/pnpm-lock.yaml"), NpmLockCataloger::parse);
  }

  @Override
  protected boolean reads(String path) {
    return !path.contains("/node_modules/");
  }

  @Override
  public boolean declares() {
    return true;
  }

  static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    if (entry.path().endsWith("/yarn.lock")) {
      return YarnLock.parse(new String(content, StandardCharsets.UTF_8), location);
    }
    return entry.path().endsWith("/pnpm-lock.yaml") ? PnpmLock.parse(content, location) : PackageLock.parse(content, location);
  }
}
