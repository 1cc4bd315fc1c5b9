package dev.portcullis.cli;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.portcullis.catalog.Catalog;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.content.Contents;
import dev.portcullis.rules.content.Interest;
import dev.portcullis.rules.content.ReadLimits;
import dev.portcullis.vuln.report.NoiseControl;
import dev.portcullis.vuln.report.VexSubject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line sits above the scan engine: it parses options, calls {@code Scanner}, and hands
 * the assessment to a writer. Scanning an image's contents (matching its packages, suppressing
 * findings, checking its texts) happens in {@code dev.portcullis.scan} only, so that the server and
 * the admission check get exactly what {@code scan} and {@code gate} get.
 */
class CliAboveScanTest {
  private static final JavaClasses CLI =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.portcullis.cli");

  @Test
  void noCommandMatchesPackagesOrChecksAnImageItself() {
    noClasses().that().resideInAPackage("dev.portcullis.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.portcullis.vuln.match..", "dev.portcullis.rules.image..")
        .because("matching and the image checks run in the scan engine")
        .check(CLI);
  }

  /** The top-level class of {@code c}. */
  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }

  @Test
  void noCommandCallsAnotherCommandsStaticMethods() {
    List<String> calls = new ArrayList<>();
    for (JavaClass c : CLI) {
      JavaClass from = topLevel(c);
      for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
        JavaClass to = topLevel(call.getTargetOwner());
        if (from.getSimpleName().endsWith("Command") && to.getSimpleName().endsWith("Command") && !from.equals(to)
            && call.getTarget().resolveMember().map(m -> m.getModifiers().contains(JavaModifier.STATIC)).orElse(false)) {
          calls.add(call.getDescription());
        }
      }
    }
    assertThat(calls).as("what commands share lives in a base class, an options mixin or the engine").isEmpty();
  }

  @Test
  void noCommandReadsAnImageForTheChecksOrSuppressesFindingsItself() {
    noClasses().that().resideInAPackage("dev.portcullis.cli..")
        .should().callMethod(Contents.class, "read", Image.class, LayerScanner.class, Interest.class, ReadLimits.class)
        .orShould().callMethodWhere(target(name("ofImage")).and(target(owner(equivalentTo(Contents.class)))))
        .orShould().callMethod(NoiseControl.class, "apply", List.class, VexSubject.class)
        .orShould().callMethod(Catalog.class, "pass", List.class, Path.class)
        .because("an image is scanned by the scan engine, in one pass over its layers")
        .check(CLI);
  }
}
