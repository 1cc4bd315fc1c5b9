package dev.portcullis.catalog.npm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.catalog.CatalogResult;
import dev.portcullis.catalog.FixtureTrees;
import dev.portcullis.core.Package;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project the real pnpm 9 installed (fetched by {@code npx} from the npm registry), laid into an
 * image layer at {@code /app}: what the {@code npm-lock-cataloger} reads from its
 * {@code pnpm-lock.yaml} must be what {@code pnpm ls} lists and what pnpm put in
 * {@code node_modules/.pnpm}, and dev-only must mean what {@code pnpm ls --dev} and
 * {@code --prod} say.
 */
class PnpmInstallIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final String PNPM = "pnpm@9";

  @TempDir static Path tmp;
  private static Path project;
  private static Set<String> pnpmLs;
  private static Set<String> devOnly;

  @BeforeAll
  static void install() throws IOException {
    assumeTrue(pnpmRuns(), "npx cannot fetch and run " + PNPM + " (no npm or no registry): pnpm-lock.yaml cannot be compared with pnpm here");
    project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("package.json"), "{\"name\": \"portcullis-pnpm-it\", \"version\": \"1.0.0\", \"private\": true}\n");
    String store = "--store-dir=" + tmp.resolve("store");
    pnpm("add", store, "lodash@4.17.15", "minimist@1.2.0", "axios@0.21.0");
    pnpm("add", store, "--save-dev", "@types/node@14.14.6");
    pnpmLs = listed();
    devOnly = listed("--dev");
    devOnly.removeAll(listed("--prod"));
  }

  @Test
  void pnpmListsWhatWasAskedForAndItsDependencies() {
    // guards the comparisons below against an empty or failed install
    assertThat(pnpmLs).contains("lodash@4.17.15", "minimist@1.2.0", "axios@0.21.0", "@types/node@14.14.6")
        .anyMatch(p -> p.startsWith("follow-redirects@"));
    assertThat(devOnly).containsExactly("@types/node@14.14.6");
  }

  @Test
  void pnpmLockPinsWhatPnpmListsAndInstalled() throws IOException {
    CatalogResult r = FixtureTrees.catalog(new NpmLockCataloger(), FixtureTrees.layerOf(project, "app"), tmp);
    assertThat(r.unknowns()).isEmpty();
    assertThat(r.packages()).allSatisfy(p -> assertThat(p.location().path()).isEqualTo("/app/pnpm-lock.yaml"));
    Set<String> found = new TreeSet<>();
    Set<String> foundDev = new TreeSet<>();
    for (Package p : r.packages()) {
      String id = (p.namespace().isEmpty() ? "" : p.namespace() + "/") + p.name() + "@" + p.version();
      found.add(id);
      if ("true".equals(p.metadata().get("dev"))) {
        foundDev.add(id);
      }
    }
    assertThat(found).isEqualTo(pnpmLs).isEqualTo(virtualStore());
    assertThat(foundDev).isEqualTo(devOnly);
  }

  /** The packages pnpm unpacked: {@code node_modules/.pnpm/@scope+name@1.0.0}. */
  private static Set<String> virtualStore() throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(project.resolve("node_modules/.pnpm"))) {
      dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(n -> n.indexOf('@', 1) > 0)
          .forEach(n -> out.add(n.startsWith("@") ? n.replaceFirst("\\+", "/") : n));
    }
    return out;
  }

  /** Every {@code name@version} of pnpm ls's dependency tree. */
  private static Set<String> listed(String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("ls", "--depth", "Infinity", "--json"));
    args.addAll(List.of(flags));
    JsonNode ls = new ObjectMapper().readTree(pnpm(args.toArray(String[]::new)));
    Set<String> out = new TreeSet<>();
    for (JsonNode importer : ls) {
      for (String kind : List.of("dependencies", "devDependencies", "optionalDependencies")) {
        collect(importer.path(kind), out);
      }
    }
    return out;
  }

  private static void collect(JsonNode dependencies, Set<String> out) {
    for (Map.Entry<String, JsonNode> e : dependencies.properties()) {
      JsonNode d = e.getValue();
      if (d.path("version").isTextual()) {
        out.add(d.path("from").asText(e.getKey()) + "@" + d.path("version").asText());
      }
      collect(d.path("dependencies"), out);
    }
  }

  private static boolean pnpmRuns() {
    try {
      return !Tools.run(TIMEOUT, "npx", "-y", PNPM, "--version").stdoutText().isBlank();
    } catch (Tools.ToolException e) {
      return false;
    }
  }

  private static String pnpm(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && exec npx -y " + PNPM + " \"$@\"", "sh", project.toString()));
    command.addAll(List.of(args));
    return Tools.run(TIMEOUT, Map.of("npm_config_update_notifier", "false"), command).stdoutText();
  }
}
