package dev.portcullis.catalog.r;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library Debian's {@code r-base-core} installs ({@code /usr/lib/R/library}), catalogued from its
 * real files, against what R itself says is installed there ({@code installed.packages()}).
 */
class RLibraryMatchesInstalledPackagesIT {
  private static final Path LIBRARY = Path.of("/usr/lib/R/library");
  @TempDir Path tmp;

  @Test
  void everyPackageRListsIsFoundAtItsVersion() throws Exception {
    List<String> expected = rInstalledPackages();
    assertThat(expected).as("R lists its base packages").hasSizeGreaterThan(10).contains("stats 4.2.2".replace("4.2.2", rVersion()));
    LayerBuilder layer = new LayerBuilder();
    try (Stream<Path> files = Files.walk(LIBRARY, 2)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("DESCRIPTION") && Files.isRegularFile(p)).sorted().toList()) {
        layer.file(f.toString().substring(1), Files.readAllBytes(f), 0644);
      }
    }
    CatalogResult r = FixtureTrees.catalog(new RPackageCataloger(), layer, tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).extracting(p -> p.name() + " " + p.version()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(r.packages()).allMatch(p -> p.location().path().equals("/usr/lib/R/library/" + p.name() + "/DESCRIPTION"));
  }

  private static String rVersion() throws Exception {
    return run("cat(as.character(getRversion()))").get(0);
  }

  private static List<String> rInstalledPackages() throws Exception {
    return run("ip <- installed.packages(lib.loc = '" + LIBRARY + "'); cat(paste(ip[, 'Package'], ip[, 'Version']), sep = '\\n')");
  }

  private static List<String> run(String expression) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("Rscript", "--vanilla", "-e", expression).redirectErrorStream(false).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("Rscript finished").isTrue();
    assertThat(p.exitValue()).as("Rscript: " + err).isZero();
    return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }
}
