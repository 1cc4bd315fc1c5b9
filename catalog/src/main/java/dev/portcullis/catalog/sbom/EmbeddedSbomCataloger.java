package dev.portcullis.catalog.sbom;

import dev.portcullis.catalog.FileCataloger;
import dev.portcullis.catalog.FileParsing.Parsed;
import dev.portcullis.catalog.WholeFiles;
import dev.portcullis.core.Location;
import dev.portcullis.oci.tree.FileEntry;
import java.io.IOException;

/**
 * Packages that SBOM documents shipped inside the image state: CycloneDX and SPDX 2 JSON files
 * named as SBOM tools name them ({@code *.cdx.json}, {@code *.spdx.json}, {@code bom.json}) and
 * Bitnami's {@code .spdx-NAME.spdx} beside each of its components. Each package is attributed to
 * the document it came from; one the image's own package databases show too is left to them
 * ({@link #restates()}). A component without a usable PURL is an unknown of its own; a file that
 * is not such a document (an SPDX tag-value file) is one unknown.
 */
public final class EmbeddedSbomCataloger extends FileCataloger {
  public static final String NAME = "embedded-sbom-cataloger";

  public EmbeddedSbomCataloger() {
    super(NAME, WholeFiles.matching("embedded-sbom", "**/*.cdx.json", "**/*.spdx.json", "**/bom.json", "**/*.bom.json", "**/.spdx-*.spdx"),
        EmbeddedSbomCataloger::parse);
  }

  private static Parsed parse(FileEntry entry, Location location, byte[] content) throws IOException {
    return SbomReader.embedded(content, location, NAME);
  }

  @Override
  public boolean restates() {
    return true;
  }
}
