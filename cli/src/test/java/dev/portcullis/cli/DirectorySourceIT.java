package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.TestImages;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code dir:PATH} on real inputs: the root file system {@code image export} writes of each test
 * image gives the same packages as the image itself (all but the layer), and a project directory
 * with real lock files, a Python virtual environment, a Maven jar and a Go binary is catalogued,
 * scanned and gated without reading outside it or blocking on its FIFO.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DirectorySourceIT {
  private static final Path ROOT = Path.of(System.getProperty("portcullis.root", ".."));
  private static final Path FIXTURES = ROOT.resolve("catalog/src/test/resources/dev/portcullis/catalog");
  private static final Path LOG4J = Path.of("target/it-jars/log4j-core-2.14.1.jar");

  @TempDir static Path tmp;

  static List<String> images() throws IOException {
    List<String> sources = new ArrayList<>();
    for (TestImages.TestImage i : TestImages.all()) {
      sources.add(i.source());
    }
    Path log4j = tmp.resolve("log4j");
    new OciLayoutBuilder().refName("log4j")
        .layer(new LayerBuilder().file("app/lib/log4j-core-2.14.1.jar", Files.readAllBytes(LOG4J), 0644))
        .write(log4j);
    sources.add("oci-dir:" + log4j + ":log4j");
    return sources;
  }

  /** The packages of {@code sbom --format json}, each without its layer: what a directory cannot know. */
  private static Set<String> packagesWithoutLayers(String source) throws IOException {
    CliRun r = CliRun.of("sbom", "--no-cache", "--quiet", "--format", "json", source);
    assertThat(r.exit()).as(source + ": " + r.err()).isZero();
    Set<String> out = new TreeSet<>();
    for (JsonNode p : JsonOutput.MAPPER.readTree(r.out()).path("packages")) {
      ObjectNode copy = ((ObjectNode) p).deepCopy();
      copy.remove(List.of("layer", "layerDiffId"));
      out.add(copy.toString());
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("images")
  void anExportedRootHasTheImagesPackages(String image) throws IOException {
    Path root = tmp.resolve("export-" + Integer.toHexString(image.hashCode()));
    CliRun export = CliRun.of("image", "export", "--no-cache", "--quiet", "-o", root.toString(), image);
    assertThat(export.exit()).as(export.err()).isZero();
    Set<String> fromImage = packagesWithoutLayers(image);
    assertThat(fromImage).isNotEmpty();
    assertThat(packagesWithoutLayers("dir:" + root)).containsExactlyElementsOf(fromImage);
    CliRun json = CliRun.of("sbom", "--format", "json", "dir:" + root);
    for (JsonNode p : JsonOutput.MAPPER.readTree(json.out()).path("packages")) {
      assertThat(p.path("layer").asInt()).as(p.toString()).isEqualTo(-1);
      assertThat(p.has("layerDiffId")).as(p.toString()).isFalse();
    }
  }

  /** A project as a developer has it: lock files, a virtual environment, a vendored jar, a built Go tool; and links out of it. */
  private static Path project() throws Exception {
    Path p = tmp.resolve("project");
    Files.createDirectories(p.resolve("web"));
    Files.copy(FIXTURES.resolve("npm/locks/srv/v3/package-lock.json"), p.resolve("web/package-lock.json"));
    Files.createDirectories(p.resolve("engine"));
    Files.copy(FIXTURES.resolve("rust/locks/src/app/Cargo.lock"), p.resolve("engine/Cargo.lock"));
    exec("python3", "-m", "venv", p.resolve(".venv").toString()); // pip, installed from the wheel Python bundles
    Files.createDirectories(p.resolve("lib"));
    Path jar = Path.of(org.apache.commons.compress.archivers.tar.TarArchiveEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Files.copy(jar, p.resolve("lib").resolve(jar.getFileName()));
    Files.createDirectories(p.resolve("bin"));
    Files.copy(Path.of("/usr/bin/umoci"), p.resolve("bin/umoci"), StandardCopyOption.COPY_ATTRIBUTES);
    // followed, these would read the host's dpkg database and block on a FIFO
    Files.createSymbolicLink(p.resolve("var"), Path.of("/var"));
    Files.createSymbolicLink(p.resolve("host"), Path.of("../../../../../../../../"));
    exec("mkfifo", p.resolve("web/events").toString());
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(p.resolve("web/debug.sock")));
    }
    return p;
  }

  private static void exec(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + said).isZero();
  }

  @Test
  void aProjectDirectoryIsCataloguedScannedAndGatedWithinItself() throws Exception {
    Path project = project();
    CliRun sbom = CliRun.of("sbom", "--format", "json", "dir:" + project);
    assertThat(sbom.exit()).as(sbom.err()).isZero();
    assertThat(sbom.err()).isEqualTo("portcullis: warning: dir:" + project + ": '/web/debug.sock' is a socket; skipped, as tar does\n");
    JsonNode packages = JsonOutput.MAPPER.readTree(sbom.out()).path("packages");
    List<String> found = new ArrayList<>();
    packages.forEach(n -> found.add(n.path("type").asText() + " " + n.path("name").asText() + " " + n.path("foundBy").asText() + " " + n.path("path").asText()));
    assertThat(found).contains(
        "npm axios npm-lock-cataloger /web/package-lock.json",
        "cargo serde cargo-lock-cataloger /engine/Cargo.lock");
    assertThat(found).anyMatch(f -> f.matches("pypi pip python-package-cataloger /\\.venv/lib/python3\\.[0-9]+/site-packages/pip-[0-9.]+\\.dist-info/METADATA"));
    assertThat(found).anyMatch(f -> f.startsWith("maven commons-compress java-archive-cataloger /lib/commons-compress-"));
    // Debian builds umoci in GOPATH mode: its build information names the Go toolchain alone
    assertThat(found).contains("golang stdlib go-module-binary-cataloger /bin/umoci");
    assertThat(found).noneMatch(f -> f.startsWith("deb "));
    assertThat(packages).allSatisfy(n -> assertThat(n.path("layer").asInt()).isEqualTo(-1));

    Path db = tmp.resolve("db");
    Path corpus = ROOT.toAbsolutePath().normalize().resolveSibling("shared").resolve("corpus/osv");
    assertThat(CliRun.of("db", "import", "--db", db.toString(), corpus.toString()).exit()).isZero();
    CliRun scan = CliRun.of("scan", "--db", db.toString(), "--format", "json", "dir:" + project);
    assertThat(scan.exit()).as(scan.err()).isZero();
    JsonNode report = JsonOutput.MAPPER.readTree(scan.out());
    assertThat(report.path("image").asText()).isEqualTo("dir:" + project);
    assertThat(report.path("digest").isNull()).isTrue();
    assertThat(report.path("findings")).extracting(f -> f.path("package").path("name").asText()).contains("axios");
    // no config: none of the image-config checks (root user, healthcheck) applies to a directory
    assertThat(report.path("misconfigurations")).extracting(f -> f.path("id").asText()).noneMatch(id -> id.startsWith("PCS-IMG-00"));

    CliRun gate = CliRun.of("gate", "--db", db.toString(), "--stage", "dev", "dir:" + project);
    assertThat(gate.err()).doesNotContain("Exception");
    assertThat(gate.out()).contains("\nimage   directory " + project + "\n").doesNotContain("runs as root");

    CliRun inspect = CliRun.of("image", "inspect", "dir:" + project);
    assertThat(inspect.exit()).isEqualTo(1);
    assertThat(inspect.err()).isEqualTo("portcullis: image inspect dir:" + project
        + ": a directory has no manifest, digest, config or layers to read; sbom, scan, gate, secrets and config take dir:PATH\n");
  }
}
