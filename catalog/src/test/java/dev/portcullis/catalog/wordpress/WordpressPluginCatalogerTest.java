package dev.portcullis.catalog.wordpress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordpressPluginCatalogerTest {
  private static final String PLUGINS = "/var/www/html/wp-content/plugins/";
  @TempDir Path tmp;

  @Test
  void eachPluginByItsSlugFromItsMainFilesHeaderAndOneWithoutVersionIsOneUnknown() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new WordpressPluginCataloger(), "/dev/portcullis/catalog/wordpress/site", tmp);
    assertThat(r.packages()).extracting(p -> p.purl() + " " + p.location().path()).containsExactly(
        "pkg:wordpress-plugin/akismet@5.3.3 " + PLUGINS + "akismet/akismet.php",
        "pkg:wordpress-plugin/hello@1.7.2 " + PLUGINS + "hello.php",
        "pkg:wordpress-plugin/woocommerce@8.9.3 " + PLUGINS + "woocommerce/woocommerce.php");
    assertThat(r.packages().get(0).metadata()).containsEntry("title", "Akismet Anti-spam: Spam Protection").containsEntry("license", "GPLv2 or later");
    assertThat(r.unknowns()).singleElement().satisfies(u -> {
      assertThat(u.location().path()).isEqualTo(PLUGINS + "unfinished/unfinished.php");
      assertThat(u.reason()).contains("plugin 'Unfinished Plugin' has no Version: header");
    });
  }

  @Test
  void headerFieldsAsWordpressReadsThem() {
    assertThat(WordpressPluginCataloger.field(" * Version: 2.0 */\n", "Version")).isEqualTo("2.0");
    assertThat(WordpressPluginCataloger.field("<?php /* Plugin Name: One Line */", "Plugin Name")).isEqualTo("One Line");
    assertThat(WordpressPluginCataloger.field("define('X', 1); // no header\n", "Version")).isEmpty();
  }
}
