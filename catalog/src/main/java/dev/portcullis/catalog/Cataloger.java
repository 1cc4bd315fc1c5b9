package dev.portcullis.catalog;

import dev.portcullis.oci.tree.FileTree;
import java.io.IOException;

/**
 * Finds the packages of one ecosystem in an image's file tree. A file it cannot parse becomes an
 * {@link Unknown} in the result, never an aborted catalog; an exception means the image itself
 * could not be read.
 */
public interface Cataloger {
  /** Stable kebab-case name, shown with every package it finds ({@code dpkg-db-cataloger}). */
  String name();

  CatalogResult catalog(FileTree tree, CatalogContext context) throws IOException;
}
