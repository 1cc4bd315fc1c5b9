package dev.portcullis.catalog.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposerInstalledCatalogerTest {
  @TempDir Path tmp;

  @Test
  void composer1ArrayAndComposer2Object() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new ComposerInstalledCataloger(), "/dev/portcullis/catalog/php/vendors", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:composer/guzzlehttp/guzzle@7.8.1 /var/www/v2/vendor/composer/installed.json",
        "pkg:composer/monolog/monolog@1.25.1 /var/www/v1/vendor/composer/installed.json",
        "pkg:composer/phpunit/phpunit@10.5.10 /var/www/v2/vendor/composer/installed.json",
        "pkg:composer/symfony/console@v6.4.3 /var/www/v2/vendor/composer/installed.json");
    Package phpunit = r.packages().get(2);
    assertThat(phpunit.namespace()).isEqualTo("phpunit");
    assertThat(phpunit.metadata()).containsEntry("dev", "true").containsEntry("license", "BSD-3-Clause");
    assertThat(r.packages().get(0).metadata()).doesNotContainKey("dev");
    assertThat(r.unknowns()).isEmpty();
  }
}
