package dev.portcullis.catalog.r;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RPackageCatalogerTest {
  @TempDir Path tmp;

  @Test
  void eachInstalledDescriptionIsAPackageAndOneWithoutVersionIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new RPackageCataloger(), "/dev/portcullis/catalog/r/library", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:cran/caret@6.0-94 /usr/local/lib/R/site-library/caret/DESCRIPTION",
        "pkg:cran/jsonlite@1.8.8 /usr/local/lib/R/site-library/jsonlite/DESCRIPTION",
        "pkg:cran/stats@4.2.2 /usr/lib/R/library/stats/DESCRIPTION");
    assertThat(r.packages()).filteredOn(p -> p.name().equals("jsonlite")).extracting(Package::metadata).singleElement()
        .satisfies(m -> assertThat(m).containsEntry("license", "MIT + file LICENSE").containsEntry("repository", "CRAN"));
    assertThat(r.packages()).filteredOn(p -> p.name().equals("stats")).extracting(p -> p.metadata().get("priority")).containsExactly("base");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo("/usr/local/lib/R/site-library/halfinstalled/DESCRIPTION");
      assertThat(u.reason()).contains("Version '' is not an R package version");
    });
  }
}
