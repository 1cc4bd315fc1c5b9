package dev.portcullis.catalog.ruby;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemspecCatalogerTest {
  private static final String SPECS = "/usr/local/bundle/specifications/";
  // Debian's libruby3.1: a bundled gem and a default gem, as the package installs them
  private static final String DEBIAN = "/usr/lib/ruby/gems/3.1.0/specifications/";
  @TempDir Path tmp;

  @Test
  void installedAndDefaultGemspecsNameVersionAndLicences() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new GemspecCataloger(), "/dev/portcullis/catalog/ruby/gems", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.metadata().get("license") + " " + p.location().path()).containsExactly(
        "pkg:gem/bundler@2.3.7 MIT " + DEBIAN + "default/bundler-2.3.7.gemspec",
        "pkg:gem/json@2.7.1 Ruby OR BSD-2-Clause " + SPECS + "json-2.7.1.gemspec",
        "pkg:gem/minitest@5.15.0 MIT " + DEBIAN + "minitest-5.15.0.gemspec",
        "pkg:gem/rack@3.0.8 MIT " + SPECS + "rack-3.0.8.gemspec");
    // a hand-written gemspec computing its name is not evaluated: reported, not guessed
    assertThat(r.unknowns()).singleElement().satisfies(u -> assertThat(u.location().path()).isEqualTo(SPECS + "generated-by-hand.gemspec"));
  }
}
