package dev.portcullis.catalog;

import dev.portcullis.core.Package;
import java.util.List;
import java.util.Map;

/**
 * What a cataloger found: packages, files it could not parse, and, for OS package managers, the
 * files each package installed ({@code ownedFiles}: path as the package database lists it → owning
 * package name), from which language packages installed by the OS are recognised.
 */
public record CatalogResult(List<Package> packages, List<Unknown> unknowns, Map<String, String> ownedFiles) {
  public static final CatalogResult EMPTY = new CatalogResult(List.of(), List.of(), Map.of());

  public CatalogResult {
    packages = List.copyOf(packages);
    unknowns = List.copyOf(unknowns);
    ownedFiles = Map.copyOf(ownedFiles);
  }

  public CatalogResult(List<Package> packages, List<Unknown> unknowns) {
    this(packages, unknowns, Map.of());
  }
}
