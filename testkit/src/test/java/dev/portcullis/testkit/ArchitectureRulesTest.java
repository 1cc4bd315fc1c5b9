package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The shared rules find what they promise to find, on fixture classes built to break them. */
class ArchitectureRulesTest {
  private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages("dev.portcullis.testkit.archfixture");
  private static final String ENTRIES = "dev.portcullis.testkit.archfixture.api.Right.entries()";

  @Test
  void aPackageCycleIsFound() {
    assertThatThrownBy(() -> Architecture.ofClasses(FIXTURE).checkNoPackageCycles())
        .hasMessageContaining("Cycle detected").hasMessageContaining("archfixture.cycle").hasMessageContaining("archfixture.api");
    assertThatCode(() -> Architecture.ofClasses(FIXTURE)
        .ignoreCycleDependency("dev.portcullis.testkit.archfixture.cycle", "dev.portcullis.testkit.archfixture.api", "the fixture's cut")
        .checkNoPackageCycles()).doesNotThrowAnyException();
  }

  @Test
  void aThirdPartyTypeArgumentInAnApiSignatureIsFound() {
    assertThatThrownBy(() -> Architecture.ofClasses(FIXTURE).checkApiExposesOnlyJdkAndOwnTypes())
        .hasMessageContaining(ENTRIES + " exposes in its signature: org.apache.commons.compress.archivers.tar.TarArchiveEntry")
        .hasMessageNotContaining("Right.entry()");
    assertThatCode(() -> Architecture.ofClasses(FIXTURE).allowExposure(ENTRIES, "the fixture's exception").checkApiExposesOnlyJdkAndOwnTypes())
        .doesNotThrowAnyException();
  }

  @Test
  void anExceptionThatMatchesNothingFails() {
    assertThatThrownBy(() -> Architecture.ofClasses(FIXTURE).allowExposure(ENTRIES, "used")
        .allowExposure("dev.portcullis.testkit.archfixture.api.Right.gone()", "stale").checkApiExposesOnlyJdkAndOwnTypes())
        .hasMessageContaining("allowed exposure dev.portcullis.testkit.archfixture.api.Right.gone() matches nothing any more");
  }

  @Test
  void aPackageWithoutNullMarkedIsFound() {
    assertThatThrownBy(() -> Architecture.ofClasses(FIXTURE).checkEveryPackageIsNullMarked())
        .hasMessageContaining("dev.portcullis.testkit.archfixture.cycle").hasMessageNotContaining("archfixture.api");
  }
}
