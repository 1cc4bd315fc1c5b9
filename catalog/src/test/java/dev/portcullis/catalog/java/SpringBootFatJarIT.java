package dev.portcullis.catalog.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Spring Boot fat jars of spring-boot-starter-web 2.7.18 and 3.2.12, laid out as Spring Boot's
 * repackager lays them out ({@code BOOT-INF/lib/ARTIFACT-VERSION.jar}) from the real jars Maven
 * Central publishes (copied by the build into {@code target/it-jars/spring-boot-VERSION/GROUP/}, so
 * each jar's groupId is known from where it came, never from the jar). Spring's jars (built by
 * Gradle) and Tomcat's (built by Ant) carry no pom.properties; the others do, and a second fat jar
 * has them stripped so that every jar is identified from its manifest and classes alone.
 */
class SpringBootFatJarIT {
  private static final Path JARS = Path.of("target/it-jars");

  @TempDir Path tmp;

  @ParameterizedTest(name = "spring-boot-starter-web {0}, pom.properties stripped: {1}")
  @CsvSource({"2.7.18, false", "2.7.18, true", "3.2.12, false", "3.2.12, true"})
  void everyNestedJarHasMavensCoordinates(String boot, boolean stripped) throws IOException {
    Path dir = JARS.resolve("spring-boot-" + boot);
    Jar fat = new Jar().manifest("Main-Class", "org.springframework.boot.loader.JarLauncher").manifest("Start-Class", "com.acme.demo.Demo")
        .pom("com.acme", "demo", "0.0.1-SNAPSHOT").text("BOOT-INF/classes/com/acme/demo/Demo.class", "x");
    List<String> expected = new ArrayList<>(List.of("pkg:maven/com.acme/demo@0.0.1-SNAPSHOT @ /app/app.jar"));
    List<Path> groups;
    try (Stream<Path> s = Files.list(dir)) {
      groups = s.sorted().toList();
    }
    for (Path group : groups) {
      List<Path> jars;
      try (Stream<Path> s = Files.list(group)) {
        jars = s.sorted().toList();
      }
      for (Path jar : jars) {
        String file = jar.getFileName().toString();
        ArchiveName name = ArchiveName.of(file);
        byte[] bytes = Files.readAllBytes(jar);
        fat.entry("BOOT-INF/lib/" + file, stripped ? withoutPomProperties(bytes) : bytes);
        expected.add("pkg:maven/" + group.getFileName() + "/" + name.name() + "@" + name.version().orElseThrow() + " @ /app/app.jar!/BOOT-INF/lib/" + file);
      }
    }
    assertThat(expected).as("the jars of spring-boot-starter-web " + boot).hasSizeGreaterThan(30);
    Path layout = tmp.resolve("layout");
    new OciLayoutBuilder().layer(new LayerBuilder().file("app/app.jar", fat.bytes(), 0644)).write(layout);
    Catalog catalog;
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      catalog = Catalog.read(image, new LayerScanner(null, 1000), Catalogers.defaults(), tmp);
    }
    expected.sort(null);
    assertThat(catalog.packages().stream().map(p -> p.purl() + " @ " + p.location().path()).sorted().toList()).containsExactlyElementsOf(expected);
    assertThat(catalog.unknowns()).isEmpty();
  }

  private static byte[] withoutPomProperties(byte[] jar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar)); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (!e.getName().startsWith("META-INF/maven/")) {
          zip.putNextEntry(new ZipEntry(e.getName()));
          in.transferTo(zip);
          zip.closeEntry();
        }
      }
    }
    return out.toByteArray();
  }
}
