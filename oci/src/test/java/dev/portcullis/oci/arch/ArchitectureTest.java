package dev.portcullis.oci.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.portcullis");

  private static final DescribedPredicate<JavaClass> THIRD_PARTY =
      DescribedPredicate.describe("a third-party type", c -> !c.getPackageName().startsWith("java") && !c.getPackageName().startsWith("dev.portcullis")
          && !c.getPackageName().startsWith("org.jspecify") && !c.isPrimitive() && !(c.isArray() && c.getBaseComponentType().isPrimitive()));

  @Test
  void apiPackagesExposeOnlyJdkAndOwnTypes() {
    methods().that().arePublic().and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
        .and().areDeclaredInClassesThat().arePublic()
        .should(com.tngtech.archunit.lang.conditions.ArchConditions.not(
            com.tngtech.archunit.lang.conditions.ArchConditions.haveRawReturnType(THIRD_PARTY)))
        .andShould(com.tngtech.archunit.lang.conditions.ArchConditions.not(
            com.tngtech.archunit.lang.conditions.ArchConditions.haveRawParameterTypes(
                DescribedPredicate.describe("any third-party parameter", params -> params.stream().anyMatch(THIRD_PARTY)))))
        .check(CLASSES);
  }

  @Test
  void coreDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("dev.portcullis.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.oci..", "dev.portcullis.cli..", "dev.portcullis.testkit..")
        .check(CLASSES);
  }

  @Test
  void everyPackageIsNullMarked() {
    CLASSES.stream().map(JavaClass::getPackage).distinct().forEach(p ->
        org.assertj.core.api.Assertions.assertThat(p.tryGetAnnotationOfType(org.jspecify.annotations.NullMarked.class))
            .as("package-info of %s is @NullMarked", p.getName()).isPresent());
  }

}
