package dev.portcullis.catalog;

import dev.portcullis.testkit.Architecture;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  // the one place the SBOM writer and vuln's VDR writer build and validate cyclonedx-core-java documents
  private static final String CYCLONEDX = "CycloneDX documents are built with cyclonedx-core-java's model by the SBOM and the VDR writer alike";

  @Test
  void catalogKeepsTheSharedArchitectureRules() {
    Architecture.of(Catalog.class)
        .allowExposure("dev.portcullis.catalog.sbom.CycloneDx.property(java.lang.String, java.lang.String)", CYCLONEDX)
        .allowExposure("dev.portcullis.catalog.sbom.CycloneDx.validatedJson(org.cyclonedx.model.Bom, java.lang.String)", CYCLONEDX)
        .allowExposure("dev.portcullis.catalog.sbom.CycloneDx.subject(java.lang.String, dev.portcullis.core.Digest)", CYCLONEDX)
        .check();
  }
}
