package dev.portcullis.catalog;

import dev.portcullis.core.Distro;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What every cataloger may use: the image's distribution (for OS package PURLs), a directory for
 * temporary files, and the largest file content it may hold in memory.
 */
public record CatalogContext(@Nullable Distro distro, Path tempDir, long maxInMemoryBytes) {
  public Optional<Distro> distroIfAny() {
    return Optional.ofNullable(distro);
  }
}
