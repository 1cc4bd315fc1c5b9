package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Package;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real jars as Maven Central publishes them (copied into {@code target/it-jars} by the build), in
 * an image both as files and inside a Spring-Boot-style fat jar, catalogued through the built-ins.
 */
class JavaArchiveCatalogerIT {
  private static final Path JARS = Path.of("target/it-jars");
  private static final List<String> FILES = List.of("hadoop-shaded-guava-1.1.1.jar", "jackson-databind-2.9.8.jar", "log4j-core-2.14.1.jar", "spring-core-5.3.17.jar");

  @TempDir static Path tmp;
  static Catalog catalog;

  @BeforeAll
  static void scan() throws IOException {
    LayerBuilder layer = new LayerBuilder();
    Jar fat = new Jar().manifest("Main-Class", "org.springframework.boot.loader.JarLauncher").manifest("Start-Class", "com.acme.demo.Demo")
        .pom("com.acme", "demo", "0.0.1-SNAPSHOT").text("BOOT-INF/classes/com/acme/demo/Demo.class", "x");
    for (String f : FILES) {
      byte[] jar = Files.readAllBytes(JARS.resolve(f));
      layer.file("opt/libs/" + f, jar, 0644);
      fat.entry("BOOT-INF/lib/" + f, jar);
    }
    layer.file("app/app.jar", fat.bytes(), 0644);
    Path dir = tmp.resolve("layout");
    new OciLayoutBuilder().layer(layer).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      catalog = Catalog.read(image, new LayerScanner(null, 1000), Catalogers.defaults(), tmp);
    }
  }

  /** The coordinates Maven Central publishes each jar under, and what its shaded parts declare. */
  private static List<String> published(String jar) {
    String hadoop = jar + "/hadoop-shaded-guava-1.1.1.jar";
    String embedded = hadoop + "!/META-INF/maven/";
    return List.of(
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8 @ " + jar + "/jackson-databind-2.9.8.jar",
        "pkg:maven/com.google.errorprone/error_prone_annotations@2.5.1 @ " + embedded + "com.google.errorprone/error_prone_annotations/pom.properties",
        "pkg:maven/com.google.guava/failureaccess@1.0.1 @ " + embedded + "com.google.guava/failureaccess/pom.properties",
        "pkg:maven/com.google.guava/guava@30.1.1-jre @ " + embedded + "com.google.guava/guava/pom.properties",
        "pkg:maven/com.google.guava/listenablefuture@9999.0-empty-to-avoid-conflict-with-guava @ " + embedded + "com.google.guava/listenablefuture/pom.properties",
        "pkg:maven/com.google.j2objc/j2objc-annotations@1.3 @ " + embedded + "com.google.j2objc/j2objc-annotations/pom.properties",
        "pkg:maven/org.apache.hadoop.thirdparty/hadoop-shaded-guava@1.1.1 @ " + hadoop,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 @ " + jar + "/log4j-core-2.14.1.jar",
        "pkg:maven/org.springframework/spring-core@5.3.17 @ " + jar + "/spring-core-5.3.17.jar");
  }

  @Test
  void everyJarAndShadedPartHasItsPublishedCoordinates() {
    List<String> expected = new ArrayList<>();
    expected.add("pkg:maven/com.acme/demo@0.0.1-SNAPSHOT @ /app/app.jar");
    expected.addAll(published("/app/app.jar!/BOOT-INF/lib"));
    expected.addAll(published("/opt/libs"));
    expected.sort(null);
    List<String> found = catalog.packages().stream().map(p -> p.purl() + " @ " + p.location().path()).sorted().toList();
    assertThat(found).containsExactlyElementsOf(expected);
    assertThat(catalog.unknowns()).isEmpty();
  }

  @Test
  void cycloneDxOfTheImageReadsBackToTheSamePackages() throws IOException {
    SbomAssertions.roundTripsThroughCycloneDx(catalog, tmp);
  }

  @Test
  void fieldsAreTheMavenCoordinates() {
    Package log4j = catalog.packages().stream().filter(p -> p.location().path().equals("/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar")).findFirst().orElseThrow();
    assertThat(List.of(log4j.namespace(), log4j.name(), log4j.version())).containsExactly("org.apache.logging.log4j", "log4j-core", "2.14.1");
    assertThat(log4j.metadata()).containsEntry("evidence", "pom.properties");
    assertThat(log4j.foundBy()).isEqualTo("java-archive-cataloger");
  }

  @Test
  void shadedGuavaIsNotTakenForTheOuterArtifact() {
    for (String jar : List.of("/opt/libs/hadoop-shaded-guava-1.1.1.jar", "/app/app.jar!/BOOT-INF/lib/hadoop-shaded-guava-1.1.1.jar")) {
      List<Package> atJar = catalog.packages().stream().filter(p -> p.location().path().equals(jar)).toList();
      assertThat(atJar).extracting(Package::purl).containsExactly("pkg:maven/org.apache.hadoop.thirdparty/hadoop-shaded-guava@1.1.1");
      assertThat(catalog.packages()).filteredOn(p -> p.name().equals("guava") && p.location().path().startsWith(jar + "!/"))
          .singleElement().satisfies(p -> assertThat(p.metadata()).containsEntry("embeddedIn", jar));
    }
  }
}
