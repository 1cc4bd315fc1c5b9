package dev.portcullis.catalog;

import dev.portcullis.core.Distro;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What every cataloger may use: the image's distribution (for OS package PURLs), a directory for
 * temporary files, the largest file content it may hold in memory, and what the first pass over
 * the layers captured.
 */
public record CatalogContext(@Nullable Distro distro, Path tempDir, long maxInMemoryBytes, Captured captured) {
  /** A context without captures: every file a cataloger reads comes from its layer. */
  public CatalogContext(@Nullable Distro distro, Path tempDir, long maxInMemoryBytes) {
    this(distro, tempDir, maxInMemoryBytes, Captured.none());
  }

  public Optional<Distro> distroIfAny() {
    return Optional.ofNullable(distro);
  }

  /** What {@code capture} keeps of each of {@code entries}, captured or read now: see {@link Captured#read}. */
  public void read(FileTree tree, Collection<FileEntry> entries, FileCapture capture, Captured.Visitor visitor) throws IOException {
    captured.read(tree, entries, capture, this, visitor);
  }
}
