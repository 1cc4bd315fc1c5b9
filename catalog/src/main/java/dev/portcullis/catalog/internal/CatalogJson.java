package dev.portcullis.catalog.internal;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON mapper of the catalogers. Made when first used, not when a cataloger is loaded:
 * a mapper costs tens of milliseconds to set up, which an image without JSON files never pays.
 */
public final class CatalogJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private CatalogJson() {}
}
