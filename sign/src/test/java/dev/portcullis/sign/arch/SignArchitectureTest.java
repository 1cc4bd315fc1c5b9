package dev.portcullis.sign.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class SignArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.portcullis.sign");

  @Test
  void everyPackageIsNullMarked() {
    assertThat(CLASSES.stream().map(JavaClass::getPackageName).distinct()).contains("dev.portcullis.sign", "dev.portcullis.sign.cosign", "dev.portcullis.sign.dsse");
    CLASSES.stream().map(JavaClass::getPackage).distinct().forEach(p ->
        assertThat(p.tryGetAnnotationOfType(org.jspecify.annotations.NullMarked.class)).as("package-info of %s is @NullMarked", p.getName()).isPresent());
  }
}
