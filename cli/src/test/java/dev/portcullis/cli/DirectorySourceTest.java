package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dir:PATH} on the bundled example's build context: what a directory is in each report (no digest, no config, no layers). */
class DirectorySourceTest {
  private static final Path CONTEXT = Path.of(System.getProperty("portcullis.root", "..")).resolve("examples/hello/context");
  private static final String SOURCE = "dir:" + CONTEXT;

  @TempDir Path tmp;

  @Test
  void sbomDocumentsDescribeTheDirectoryByItsNameAlone() throws IOException {
    CliRun first = CliRun.of("sbom", "--format", "cyclonedx-json", SOURCE);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(CliRun.of("sbom", "--format", "cyclonedx-json", SOURCE).out()).isEqualTo(first.out());
    assertThat(new org.cyclonedx.parsers.JsonParser().validate(first.out().getBytes(StandardCharsets.UTF_8), org.cyclonedx.Version.VERSION_16)).isEmpty();
    JsonNode subject = JsonOutput.MAPPER.readTree(first.out()).path("metadata").path("component");
    assertThat(subject.path("type").asText()).isEqualTo("file");
    assertThat(subject.path("name").asText()).isEqualTo(SOURCE);
    assertThat(subject.has("version")).isFalse();
    JsonNode spdx = JsonOutput.MAPPER.readTree(CliRun.of("sbom", "--format", "spdx-json", SOURCE).out());
    assertThat(spdx.path("documentNamespace").asText()).startsWith("https://portcullis.dev/spdx/dir/");
    assertThat(spdx.path("packages").get(0).path("primaryPackagePurpose").asText()).isEqualTo("FILE");
    assertThat(spdx.path("packages").get(0).has("versionInfo")).isFalse();
    CliRun table = CliRun.of("sbom", SOURCE);
    assertThat(table.out()).contains("minimist  1.2.0    npm   -1     node-package-cataloger  /app/node_modules/minimist/package.json");
  }

  @Test
  void scanAndGateSayDirectoryWhereADigestWouldBeAndRunNoConfigCheck() throws IOException {
    Path db = tmp.resolve("db");
    assertThat(CliRun.of("db", "import", "--db", db.toString(), CONTEXT.resolveSibling("advisories").toString()).exit()).isZero();
    CliRun scan = CliRun.of("scan", "--db", db.toString(), "--format", "json", SOURCE);
    assertThat(scan.exit()).as(scan.err()).isZero();
    JsonNode report = JsonOutput.MAPPER.readTree(scan.out());
    assertThat(report.path("digest").isNull()).isTrue();
    assertThat(report.path("findings")).extracting(f -> f.path("id").asText()).containsExactly("GHSA-xvch-5gv4-984h", "GHSA-vh95-rmgr-6w4m");
    // the file checks run (the example's debug.properties), the image-config ones (root user, no healthcheck) do not
    assertThat(report.path("misconfigurations")).extracting(f -> f.path("id").asText()).containsExactly("PCS-DEBUG-009");
    CliRun vdr = CliRun.of("scan", "--db", db.toString(), "--format", "cyclonedx-vdr", SOURCE);
    assertThat(JsonOutput.MAPPER.readTree(vdr.out()).path("metadata").path("component").path("type").asText()).isEqualTo("file");
    CliRun gate = CliRun.of("gate", "--db", db.toString(), "--stage", "dev", SOURCE);
    assertThat(gate.out()).contains("\nimage   directory " + CONTEXT + "\n").doesNotContain("root");
  }

  @Test
  void secretsAndConfigWalkADirectorySourceAsTheyWalkAPath() {
    for (String command : new String[] {"secrets", "config"}) {
      CliRun asPath = CliRun.of(command, "--format", "json", CONTEXT.toString());
      CliRun asSource = CliRun.of(command, "--format", "json", SOURCE);
      assertThat(asSource.exit()).as(asSource.err()).isEqualTo(asPath.exit());
      assertThat(asSource.out()).isEqualTo(asPath.out()).isNotEmpty();
    }
  }

  @Test
  void commandsThatNeedADigestOrARegistryRefuseADirectoryInOneLine() {
    CliRun inspect = CliRun.of("image", "inspect", SOURCE);
    assertThat(inspect.exit()).isEqualTo(1);
    assertThat(inspect.err()).isEqualTo("portcullis: image inspect " + SOURCE
        + ": a directory has no manifest, digest, config or layers to read; sbom, scan, gate, secrets and config take dir:PATH\n");
    CliRun sign = CliRun.of("sign", "--key", tmp.resolve("k").toString(), SOURCE);
    assertThat(sign.exit()).isNotZero();
    assertThat(sign.err()).contains("signatures are stored in a registry beside the image").hasLineCount(1);
    CliRun missing = CliRun.of("sbom", "dir:" + tmp.resolve("missing"));
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("portcullis: read dir:" + tmp.resolve("missing") + ": no such directory\n");
  }
}
