package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.core.Digest;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.Dockerd;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.TestImages;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local engines' sources against what their own tools export: {@code containers-storage:} (read from the store's
 * files, overlay and vfs) scans exactly as {@code oci-archive:} of {@code podman save --format oci-archive} of the same
 * image, and {@code docker:} (through a real engine's socket) exactly as {@code docker-archive:} of the archive it was
 * loaded from. The image: the rules module's {@code misconfigured} image built by buildah on the debootstrap image
 * (dpkg packages, secrets, misconfigurations), then an installed npm package and a whiteout: five layers;
 * vulnerabilities matched against the real OSV corpus.
 */
class LocalEngineSourcesIT {
  private static final Path ROOT = Path.of(System.getProperty("portcullis.root", ".."));
  private static final Path MISCONFIGURED = ROOT.resolve("rules/src/test/resources/dev/portcullis/rules/image/misconfigured");
  private static final String NAME = "localhost/portcullis-test/local-engines:1";

  @TempDir static Path tmp;
  private static Path db;
  private static Path layout;
  private static String imageId;

  @BeforeAll
  static void imageAndDatabase() throws IOException {
    db = tmp.resolve("db");
    Path corpus = ROOT.toAbsolutePath().normalize().resolveSibling("shared").resolve("corpus/osv");
    CliRun imported = CliRun.of("db", "import", "--db", db.toString(), corpus.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    Path work = Files.createTempDirectory(TestImages.workDir(), "cli-local-engines-");
    layout = work.resolve("layout");
    // buildah takes the base by a path without dot-directories (the cache's .cache would not parse as a reference)
    Path base = Files.createSymbolicLink(work.resolve("bookworm"), Debootstrap.layout());
    // on top: an installed npm package with advisories in the corpus, and a deleted base file (a whiteout)
    Path context = Files.createDirectories(work.resolve("context/node_modules/lodash"));
    Files.writeString(context.resolve("package.json"), "{\"name\": \"lodash\", \"version\": \"4.17.15\", \"license\": \"MIT\"}\n");
    Files.writeString(work.resolve("context/Dockerfile"), """
        FROM localhost/portcullis-test/local-engines-base:1
        COPY node_modules /app/node_modules
        RUN rm /etc/issue.net
        """);
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(MISCONFIGURED, "localhost/portcullis-test/local-engines-base:1",
          Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG, "DEPLOY_TOKEN", "dtk_5c0ffee5c0ffee5c0ffee5c0ffee"));
      buildah.bud(work.resolve("context"), NAME, Map.of());
      buildah.push(NAME, "oci:" + layout + ":it");
    }
    imageId = Digest.sha256(Skopeo.rawConfig("oci:" + layout + ":it")).hex();
  }

  @Test
  void containersStorageScansAsPodmanSavesOciArchive() throws IOException {
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      // podman's own store (vfs), filled by skopeo as containers/image writes it
      String vfsStore = "[vfs@" + podman.storageRoot() + "+" + podman.runRoot() + "]";
      Skopeo.copy("oci:" + layout + ":it", "containers-storage:" + vfsStore + NAME);
      Path archive = tmp.resolve("podman-save.tar");
      Tools.Result saved = podman.podman(Podman.DEADLINE, List.of("save", "--format", "oci-archive", "-o", archive.toString(), NAME));
      assertThat(saved.exitCode()).as(saved.stderr()).isZero();
      Read expected = read("oci-archive:" + archive);
      assertThat(expected.sbom().path("packages").size()).as("packages of the image").isGreaterThan(50);
      assertThat(expected.scan().path("findings").findValuesAsText("id")).as("vulnerabilities of the image").contains("GHSA-35jh-r3h4-6jhm");
      assertThat(expected.scan().path("misconfigurations").size()).as("misconfigurations of the image").isGreaterThan(3);
      assertThat(expected.inspect().path("layers").size()).as("layers of the image").isEqualTo(5);

      // a short name as podman resolves it, the store from --storage-root
      Read fromVfs = read("containers-storage:portcullis-test/local-engines:1", "--storage-root", podman.storageRoot().toString());
      assertSameImage(fromVfs, expected);
      // the image's digest is that of its manifest as the store keeps it
      assertThat(fromVfs.inspect().path("digest").asText()).isEqualTo(Digest.sha256(Skopeo.rawManifest("containers-storage:" + vfsStore + NAME)).toString());

      // an overlay store, named in the [DRIVER@ROOT+RUNROOT] prefix as containers/image writes it, the image by an ID prefix
      // beside podman's store, so that closing podman unmounts what the overlay driver mounted there and deletes it
      Path overlayRoot = podman.storageRoot().resolveSibling("overlay-root");
      String overlayStore = "[overlay@" + overlayRoot + "+" + podman.storageRoot().resolveSibling("overlay-run") + "]";
      Skopeo.copy("oci:" + layout + ":it", "containers-storage:" + overlayStore + NAME);
      Read fromOverlay = read("containers-storage:" + overlayStore + imageId.substring(0, 12));
      assertSameImage(fromOverlay, expected);

      CliRun missing = CliRun.of("scan", "--quiet", "--no-cache", "--db", db.toString(), "--storage-root", overlayRoot.toString(),
          "containers-storage:no-such-image");
      assertThat(missing.exit()).isEqualTo(Main.FAILED);
      assertThat(missing.err().strip()).isEqualTo("portcullis: read containers-storage:no-such-image: no image named 'no-such-image' in the containers-storage store at "
          + overlayRoot);
    }
  }

  @Test
  void dockerEngineScansAsTheDockerArchiveItLoaded() throws IOException {
    Path archive = tmp.resolve("docker-archive.tar");
    Skopeo.copy("oci:" + layout + ":it", "docker-archive:" + archive + ":" + NAME);
    Read expected = read("docker-archive:" + archive);
    try (Dockerd engine = Dockerd.start(Dockerd.Options.defaults())) {
      Tools.Result loaded = engine.docker("load", "--input", archive.toString());
      assertThat(loaded.exitCode()).as(loaded.stderr()).isZero();
      Read fromEngine = read("docker:" + NAME, "--docker-host", engine.host());
      assertSameImage(fromEngine, expected);
      // the engine gives back the same config and layers, so the synthesised manifest is the same too
      assertThat(fromEngine.inspect().path("digest")).isEqualTo(expected.inspect().path("digest"));

      CliRun unknown = CliRun.of("scan", "--quiet", "--no-cache", "--db", db.toString(), "--docker-host", engine.host(), "docker:no-such-image:1");
      assertThat(unknown.exit()).isEqualTo(Main.FAILED);
      assertThat(unknown.err().strip()).startsWith("portcullis: read docker:no-such-image:1: look up image 'no-such-image:1': the Docker engine answered no such image")
          .doesNotContain("\n");
    }
    Path noEngine = tmp.resolve("no-engine.sock");
    CliRun absent = CliRun.of("scan", "--quiet", "--no-cache", "--db", db.toString(), "--docker-host", "unix://" + noEngine, "docker:" + NAME);
    assertThat(absent.exit()).isEqualTo(Main.FAILED);
    assertThat(absent.err().strip()).isEqualTo("portcullis: read docker:" + NAME + ": no Docker engine at unix://" + noEngine
        + " (no such socket; start dockerd, or name its socket with --docker-host or DOCKER_HOST)");
  }

  /** What three commands say of one image: {@code image inspect}, {@code sbom} and {@code scan}, all as JSON. */
  private record Read(JsonNode inspect, JsonNode sbom, JsonNode scan) {}

  private static Read read(String source, String... options) throws IOException {
    return new Read(json(source, List.of("image", "inspect", "--quiet", "--format", "json"), options),
        json(source, List.of("sbom", "--quiet", "--no-cache", "--format", "json"), options),
        json(source, List.of("scan", "--quiet", "--no-cache", "--db", db.toString(), "--format", "json"), options));
  }

  private static JsonNode json(String source, List<String> command, String... options) throws IOException {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of(options));
    args.add(source);
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isIn(0, 1);
    return JsonOutput.MAPPER.readTree(r.out());
  }

  /**
   * The same config, diffIDs, packages (with the layers they came from) and findings; only where the image was read
   * from differs (and, for podman save, the layers' compressed digests and so the manifest's).
   */
  private static void assertSameImage(Read actual, Read expected) {
    assertThat(actual.inspect().path("config")).isEqualTo(expected.inspect().path("config"));
    assertThat(actual.inspect().path("layers").findValuesAsText("diffId")).isEqualTo(expected.inspect().path("layers").findValuesAsText("diffId"));
    assertThat(actual.inspect().path("layers").findValuesAsText("createdBy")).isEqualTo(expected.inspect().path("layers").findValuesAsText("createdBy"));
    assertThat(withoutSource(actual.sbom())).isEqualTo(withoutSource(expected.sbom()));
    assertThat(withoutSource(actual.scan())).isEqualTo(withoutSource(expected.scan()));
  }

  /** The document with the top-level digest and every name of the image (its source and manifest digest) blanked. */
  private static String withoutSource(JsonNode document) {
    ObjectNode copy = document.deepCopy();
    copy.remove("digest");
    return copy.toPrettyString().replaceAll("\"(image|file)\" : \"[^\"]*@sha256:[0-9a-f]{64}\"", "\"$1\" : \"IMAGE\"");
  }
}
