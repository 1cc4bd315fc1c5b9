package dev.portcullis.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class CliArchitectureTest {
  @Test
  void theCommandLineUsesOnlyPublicApis() {
    noClasses().that().resideInAPackage("dev.portcullis.cli..")
        .should().dependOnClassesThat().resideInAPackage("..internal..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.portcullis.cli"));
  }
}
