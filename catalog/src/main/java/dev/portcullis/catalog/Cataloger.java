package dev.portcullis.catalog;

import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;
import java.util.List;

/**
 * Finds the packages of one ecosystem in an image's file tree. A file it cannot parse becomes an
 * {@link Unknown} in the result, never an aborted catalog; an exception means the image itself
 * could not be read.
 */
public interface Cataloger {
  /** Stable kebab-case name, shown with every package it finds ({@code dpkg-db-cataloger}). */
  String name();

  /**
   * What to keep of the files this cataloger reads while the layers are first read; a file not
   * captured is read again from its layer, so captures only save passes over the layers.
   */
  default List<FileCapture> captures() {
    return List.of();
  }

  /**
   * Whether its packages are declared by a lock file rather than found installed: a declared
   * package is dropped from the catalog where the same package (same PURL) is installed below the
   * lock file's directory, so one package is not counted, and matched, twice.
   */
  default boolean declares() {
    return false;
  }

  /**
   * Whether each of its packages stands for the file it was found in (a binary identified by its
   * version string), so that where an OS package installed that file, the OS package already is
   * that package: such packages are dropped from the catalog rather than reported twice.
   */
  default boolean yieldsToOsPackages() {
    return false;
  }

  /**
   * Whether its packages restate what other catalogers find from the files themselves (an SBOM
   * document shipped inside the image lists packages whose database is there too): such a package
   * is dropped from the catalog where another cataloger found the same package (same ecosystem,
   * name and version, and namespace but for OS packages), so one package is not counted, and matched, twice.
   */
  default boolean restates() {
    return false;
  }

  CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException;
}
