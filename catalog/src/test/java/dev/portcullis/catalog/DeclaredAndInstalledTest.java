package dev.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.catalogers.Catalogers;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package a lock file declares and npm installed below it is one package, found installed; what
 * the lock file alone names stays, marked declared, and what is installed elsewhere stays installed.
 */
class DeclaredAndInstalledTest {
  @TempDir Path tmp;

  private static final String LOCK = """
      {"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": {
        "": {"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "1.3.0", "lodash": "4.17.21"}},
        "node_modules/left-pad": {"version": "1.3.0"},
        "node_modules/lodash": {"version": "4.17.21"}
      }}
      """;

  @Test
  void theInstalledPackageStandsForTheDeclaredOne() throws IOException {
    Path layout = tmp.resolve("layout");
    new OciLayoutBuilder().layer(new LayerBuilder()
            .file("app/package-lock.json", LOCK)
            .file("app/node_modules/left-pad/package.json", "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}")
            // the same lodash installed for another project does not stand for this lock file's
            .file("srv/other/node_modules/lodash/package.json", "{\"name\": \"lodash\", \"version\": \"4.17.21\"}"))
        .write(layout);
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      Catalog c = Catalog.of(FileTree.read(image, new LayerScanner(null, 100_000)), Catalogers.defaults(), tmp);
      assertThat(c.packages()).extracting(p -> p.name() + "@" + p.version() + " " + p.foundBy() + " " + p.locations().get(0).path())
          .containsExactlyInAnyOrder(
              "left-pad@1.3.0 node-package-cataloger /app/node_modules/left-pad/package.json",
              "lodash@4.17.21 npm-lock-cataloger /app/package-lock.json",
              "lodash@4.17.21 node-package-cataloger /srv/other/node_modules/lodash/package.json");
      // only what the lock file alone names is declared; what is installed is not
      assertThat(c.packages()).filteredOn(p -> "true".equals(p.metadata().get(Catalog.DECLARED)))
          .extracting(p -> p.name() + " " + p.foundBy()).containsExactly("lodash npm-lock-cataloger");
    }
  }
}
