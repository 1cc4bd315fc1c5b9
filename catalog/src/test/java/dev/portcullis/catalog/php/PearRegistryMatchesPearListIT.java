package dev.portcullis.catalog.php;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PEAR registry Debian's {@code php-pear} installs ({@code /usr/share/php/.registry}), catalogued
 * from its real files, against what {@code pear list -a} says is installed.
 */
class PearRegistryMatchesPearListIT {
  private static final Path REGISTRY = Path.of("/usr/share/php/.registry");
  @TempDir Path tmp;

  @Test
  void everyPackagePearListsIsFoundInItsChannelAtItsVersion() throws Exception {
    List<String> expected = pearList();
    assertThat(expected).as("pear lists the packages php-pear installs").hasSizeGreaterThanOrEqualTo(5).anyMatch(l -> l.startsWith("pear.php.net PEAR "));
    CatalogResult r = FixtureTrees.catalog(new PearCataloger(), FixtureTrees.layerOf(REGISTRY, REGISTRY.toString().substring(1)), tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.namespace() + " " + p.name() + " " + p.version()).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** {@code CHANNEL NAME VERSION} of each row of {@code pear list -a}'s tables. */
  private static List<String> pearList() throws Exception {
    Process p = new ProcessBuilder("pear", "list", "-a").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> rows = new ArrayList<>();
    String channel = null;
    boolean table = false;
    for (String line : out.lines().toList()) {
      if (line.startsWith("INSTALLED PACKAGES, CHANNEL ")) {
        channel = line.substring("INSTALLED PACKAGES, CHANNEL ".length(), line.length() - 1).toLowerCase(Locale.ROOT);
        table = false;
      } else if (line.startsWith("PACKAGE ")) {
        table = true;
      } else if (line.isBlank()) {
        table = false;
      } else if (table && channel != null) {
        String[] cols = line.trim().split("\\s+");
        rows.add(channel + " " + cols[0] + " " + cols[1]);
      }
    }
    return rows;
  }
}
