package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code portcullis gate} with the built-in policy on real images at dev, test and prod, against
 * the decisions docs/policy.md documents: the debootstrap bookworm image (nothing the policy names),
 * the rules module's {@code misconfigured} image (secrets), an image whose entrypoint loads the JDWP
 * agent (a debug leftover) and an image holding log4j-core 2.14.1 (Log4Shell: a KEV vulnerability
 * with a fix), matched against the real OSV corpus and CISA's KEV entries for Log4Shell and Spring4Shell.
 */
class GateImagesIT {
  private static final Path ROOT = Path.of(System.getProperty("portcullis.root", ".."));
  private static final Path MISCONFIGURED = ROOT.resolve("rules/src/test/resources/dev/portcullis/rules/image/misconfigured");
  private static final Path KEV = ROOT.resolve("vuln/src/test/resources/dev/portcullis/vuln/db/enrich/known_exploited_vulnerabilities.json");
  private static final Path LOG4J = Path.of("target/it-jars/log4j-core-2.14.1.jar");
  private static final String AT = "2025-06-01T12:00:00Z";

  @TempDir static Path tmp;
  private static Path db;
  private static final Map<String, String> IMAGES = new HashMap<>();

  /** The OSV corpus lies beside the project, never inside it (as vuln's tests read it). */
  private static Path corpus() {
    Path dir = ROOT.toAbsolutePath().normalize().resolveSibling("shared").resolve("corpus/osv");
    assertThat(dir).as("the OSV corpus (set -Dportcullis.root to the project directory)").isDirectory();
    return dir;
  }

  @BeforeAll
  static void imagesAndDatabase() throws IOException {
    db = tmp.resolve("db");
    CliRun imported = run("db", "import", "--db", db.toString(), corpus().toString(), KEV.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();

    Path work = Files.createTempDirectory(TestImages.workDir(), "cli-gate-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    IMAGES.put("bookworm", "oci-dir:" + base + ":" + Debootstrap.TAG);
    Path jdwp = Path.of(System.getProperty("portcullis.root", "..")).resolve("cli/src/test/resources/dev/portcullis/cli/jdwp");
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      Map<String, String> args = Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG, "DEPLOY_TOKEN", "dtk_5c0ffee5c0ffee5c0ffee5c0ffee");
      buildah.bud(MISCONFIGURED, "localhost/portcullis-test/gate-misconfigured:1", args);
      buildah.push("localhost/portcullis-test/gate-misconfigured:1", "oci:" + work.resolve("misconfigured") + ":misconfigured");
      buildah.bud(jdwp, "localhost/portcullis-test/gate-jdwp:1", args);
      buildah.push("localhost/portcullis-test/gate-jdwp:1", "oci:" + work.resolve("jdwp") + ":jdwp");
    }
    IMAGES.put("misconfigured", "oci-dir:" + work.resolve("misconfigured") + ":misconfigured");
    IMAGES.put("jdwp", "oci-dir:" + work.resolve("jdwp") + ":jdwp");
    Path log4j = work.resolve("log4j");
    new OciLayoutBuilder().refName("log4j")
        .layer(new LayerBuilder().file("app/lib/log4j-core-2.14.1.jar", Files.readAllBytes(LOG4J), 0644))
        .write(log4j);
    IMAGES.put("log4j", "oci-dir:" + log4j + ":log4j");
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  // each row: what docs/policy.md's table decides for what the image holds, the rules that fire in order, and what their messages name
  @ParameterizedTest(name = "{0} at {1}: {2}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      bookworm      | dev  | allow | -                                       | -
      bookworm      | test | allow | -                                       | -
      bookworm      | prod | allow | -                                       | -
      misconfigured | dev  | warn  | secret                                  | PCS-IMG-003 at config.Env
      misconfigured | test | deny  | min-score below-prod-score secret       | PCS-IMG-003 at config.Env
      misconfigured | prod | deny  | min-score secret                        | PCS-IMG-003 at config.Env
      jdwp          | dev  | allow | -                                       | -
      jdwp          | test | warn  | debug-leftover                          | PCS-DEBUG-001 at config.Entrypoint
      jdwp          | prod | deny  | debug-leftover                          | PCS-DEBUG-001 at config.Entrypoint
      log4j         | dev  | allow | -                                       | -
      log4j         | test | deny  | min-score below-prod-score kev-with-fix  | GHSA-jfh8-c2jp-5v3q in log4j-core (fixed in 2.15.0)
      log4j         | prod | deny  | kev-with-fix min-score critical-with-fix | GHSA-jfh8-c2jp-5v3q in log4j-core (fixed in 2.15.0)
      """)
  void theBuiltInPolicyDecidesAsDocumented(String image, String stage, String decision, String rules, String names) throws IOException {
    CliRun r = run("gate", "--quiet", "--no-cache", "--db", db.toString(), "--stage", stage, "--format", "json", "--at", AT, IMAGES.get(image));
    JsonNode d = JsonOutput.MAPPER.readTree(r.out());
    List<String> fired = new ArrayList<>(d.get("rulesFired").findValuesAsText("rule"));
    assertThat(d.get("decision").asText() + " " + fired + " score " + d.get("score")).as(r.err())
        .startsWith(decision + " " + (rules == null ? List.of() : List.of(rules.split(" "))) + " ");
    assertThat(r.exit()).isEqualTo(decision.equals("deny") ? 1 : 0);
    if (names != null) {
      assertThat(d.get("rulesFired").findValuesAsText("message")).anySatisfy(m -> assertThat(m).contains(names));
    }
  }
}
