package dev.portcullis.catalog.dart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.Catalog;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PubspecLockCatalogerTest {
  @TempDir Path tmp;

  @Test
  void hostedAndGitPackagesWithTheirSourceAndAnEntryWithoutVersionIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new PubspecLockCataloger(), "/dev/portcullis/catalog/dart/locks", tmp);
    assertThat(r.packages()).extracting(Package::purl).containsExactly(
        "pkg:pub/async@2.11.0",
        "pkg:pub/dio@5.4.3%2B1",
        "pkg:pub/flutter_lints@3.0.2",
        "pkg:pub/internal_kit@1.4.0?hosted_url=https%3A%2F%2Fpub.corp.example",
        "pkg:pub/pub_scores@1.0.0?vcs_url=https%3A%2F%2Fgithub.com%2Fxvrh%2Fpub-scores.git%402461ab5f79f44c8a4dccd932503697af5779b417",
        "pkg:pub/yaml@3.1.2");
    assertThat(r.packages()).filteredOn(p -> p.metadata().containsKey(Catalog.DEV)).extracting(Package::name).containsExactly("flutter_lints");
    assertThat(r.packages()).allMatch(p -> p.location().path().equals("/app/flutter_app/pubspec.lock"));
    assertThat(r.unknowns()).extracting(u -> u.location().path() + ": " + u.reason()).satisfiesExactlyInAnyOrder(
        u -> assertThat(u).startsWith("/app/flutter_app/pubspec.lock: ").endsWith("package 'meta': no version"),
        u -> assertThat(u).startsWith("/broken/pubspec.lock: "));
  }
}
