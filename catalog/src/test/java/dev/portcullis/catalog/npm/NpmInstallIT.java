package dev.portcullis.catalog.npm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.Cataloger;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.catalog.sbom.SbomAssertions;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.LayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project that the real npm installed, laid into an image layer at {@code /app}: what the npm
 * catalogers find must be exactly what {@code npm ls --all --json} lists, name and version.
 */
class NpmInstallIT {
  @TempDir static Path tmp;
  private static Path project;
  private static Set<String> npmLs;

  @BeforeAll
  static void install() throws Exception {
    assumeTrue(npmRuns(), "npm is not on the PATH: the npm catalogers cannot be compared with npm here");
    project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("package.json"), "{\"name\": \"portcullis-npm-it\", \"version\": \"1.0.0\", \"private\": true}\n");
    run(project, "npm", "install", "--no-audit", "--no-fund", "--no-update-notifier", "lodash@4.17.15", "minimist@1.2.0", "axios@0.21.0");
    JsonNode ls = new ObjectMapper().readTree(run(project, "npm", "ls", "--all", "--json"));
    npmLs = new TreeSet<>();
    collect(ls.path("dependencies"), npmLs);
  }

  @Test
  void npmListsWhatWasAskedForAndItsDependencies() {
    // guards the comparison below against an empty or failed install
    assertThat(npmLs).contains("lodash@4.17.15", "minimist@1.2.0", "axios@0.21.0").anyMatch(p -> p.startsWith("follow-redirects@"));
  }

  @Test
  void installedPackagesAreWhatNpmLists() throws IOException {
    assertThat(found(new NodePackageCataloger())).isEqualTo(npmLs);
  }

  @Test
  void packageLockPinsWhatNpmLists() throws IOException {
    assertThat(found(new NpmLockCataloger())).isEqualTo(npmLs);
  }

  private static Set<String> found(Cataloger cataloger) throws IOException {
    LayerBuilder layer = FixtureTrees.layerOf(project, "app");
    CatalogResult r = FixtureTrees.catalog(cataloger, layer, tmp);
    assertThat(r.unknowns()).isEmpty();
    SbomAssertions.roundTripsThroughCycloneDx(r, tmp);
    Set<String> out = new TreeSet<>();
    for (Package p : r.packages()) {
      out.add((p.namespace().isEmpty() ? "" : p.namespace() + "/") + p.name() + "@" + p.version());
    }
    return out;
  }

  /** Every {@code name@version} of npm ls's dependency tree, deduplicated ones included once. */
  private static void collect(JsonNode dependencies, Set<String> out) {
    for (Map.Entry<String, JsonNode> e : dependencies.properties()) {
      if (e.getValue().path("version").isTextual()) {
        out.add(e.getKey() + "@" + e.getValue().path("version").asText());
      }
      collect(e.getValue().path("dependencies"), out);
    }
  }

  private static boolean npmRuns() {
    try {
      Process p = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile(tmp, "npm", ".err");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no answer in 5 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " in " + dir + ": exit code " + p.exitValue() + "; stderr: " + Files.readString(err).strip());
    }
    return out;
  }
}
