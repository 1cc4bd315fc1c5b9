package dev.portcullis.vuln.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.core.Finding;
import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.Tools;
import dev.portcullis.vuln.db.Database;
import dev.portcullis.vuln.db.DatabaseImporter;
import dev.portcullis.vuln.db.ImportOptions;
import dev.portcullis.vuln.match.VulnerabilityMatcher;
import dev.portcullis.vuln.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image of real jars from Maven Central and real npm packages (installed by npm with their
 * dependency trees) is catalogued and matched against the real OSV corpus: it reports exactly the
 * corpus advisories that cover those versions, and the same image with the fixed versions none.
 */
class EndToEndScanIT {
  private static final Duration NPM = Duration.ofMinutes(5);
  private static final Path JARS = Path.of("target/it-jars");
  @TempDir static Path tmp;
  static Database db;

  @BeforeAll
  static void database() throws IOException {
    Tools.require("npm");
    Path file = tmp.resolve("db");
    assertThat(new DatabaseImporter(ImportOptions.defaults()).importInto(file, Corpus.osvFiles()).problems()).isEmpty();
    db = Database.open(file);
  }

  @AfterAll
  static void close() throws IOException {
    db.close();
  }

  private static Set<String> scan(List<String> jars, String... npmPackages) throws IOException {
    Path project = Files.createDirectories(tmp.resolve("npm-" + System.nanoTime()));
    Files.writeString(project.resolve("package.json"), "{\"name\": \"e2e\", \"version\": \"1.0.0\", \"private\": true}\n");
    String[] install = Stream.concat(Stream.of("npm", "install", "--no-audit", "--no-fund", "--no-update-notifier", "--prefix", project.toString()),
        Stream.of(npmPackages)).toArray(String[]::new);
    Tools.run(NPM, install);
    LayerBuilder layer = new LayerBuilder();
    for (String jar : jars) {
      layer.file("app/lib/" + jar, Files.readAllBytes(JARS.resolve(jar)), 0644);
    }
    try (Stream<Path> files = Files.walk(project.resolve("node_modules"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        layer.file("app/" + project.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f), 0644);
      }
    }
    Path layout = tmp.resolve("layout-" + System.nanoTime());
    new OciLayoutBuilder().layer(layer).write(layout);
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      Catalog catalog = Catalog.read(image, new LayerScanner(null, 1_000_000), Catalogers.defaults(), tmp);
      List<Finding.Vulnerability> findings = new VulnerabilityMatcher(db).match(catalog, i -> Optional.empty()).findings();
      return findings.stream().map(f -> f.pkg().name() + " " + f.installedVersion() + " " + f.id()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void vulnerableVersionsReportExactlyTheCorpusAdvisoriesThatCoverThem() throws IOException {
    Set<String> found = scan(List.of("log4j-core-2.14.1.jar", "jackson-databind-2.9.8.jar", "spring-beans-5.3.17.jar", "commons-text-1.9.jar"),
        "lodash@4.17.15", "minimist@1.2.0", "axios@0.21.0");
    assertThat(found).containsExactlyInAnyOrder(
        "log4j-core 2.14.1 GHSA-jfh8-c2jp-5v3q", "log4j-core 2.14.1 GHSA-7rjr-3q55-vv33", "log4j-core 2.14.1 GHSA-8489-44mv-ggj8",
        "log4j-core 2.14.1 GHSA-p6xc-xr62-6r2g",
        "jackson-databind 2.9.8 GHSA-5ww9-j83m-q7qx", "jackson-databind 2.9.8 GHSA-mph4-vhrx-mv67", "jackson-databind 2.9.8 GHSA-57j2-w4cx-62h2",
        "spring-beans 5.3.17 GHSA-36p3-wjmg-h94x",
        "commons-text 1.9 GHSA-599f-7c49-w659",
        "lodash 4.17.15 GHSA-35jh-r3h4-6jhm", "lodash 4.17.15 GHSA-p6mc-m468-83gw",
        "minimist 1.2.0 GHSA-vh95-rmgr-6w4m", "minimist 1.2.0 GHSA-xvch-5gv4-984h",
        "axios 0.21.0 GHSA-4w2v-q235-vp99", "axios 0.21.0 GHSA-cph5-m8f7-6c5x");
  }

  @Test
  void fixedVersionsReportNone() throws IOException {
    Set<String> found = scan(List.of("log4j-core-2.17.1.jar", "jackson-databind-2.13.2.1.jar", "spring-beans-5.3.18.jar", "commons-text-1.10.0.jar"),
        "lodash@4.17.21", "minimist@1.2.6", "axios@0.21.2");
    assertThat(found).isEmpty();
  }
}
