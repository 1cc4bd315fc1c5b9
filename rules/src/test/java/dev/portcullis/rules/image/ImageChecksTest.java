package dev.portcullis.rules.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each image check on a tidy image (no finding) and on the same image with one defect (its finding, at its place). */
class ImageChecksTest {
  static final String GOOD_CONFIG = "\"User\":\"10001:10001\",\"Env\":[\"PATH=/usr/bin\",\"DB_PASSWORD_FILE=/run/secrets/db\",\"API_TOKEN=\"],"
      + "\"Labels\":{\"org.opencontainers.image.title\":\"app\"},\"ExposedPorts\":{\"8080/tcp\":{}},"
      + "\"Healthcheck\":{\"Test\":[\"CMD\",\"/app\",\"health\"]}";

  @TempDir
  Path tmp;

  static LayerBuilder goodLayer() {
    return new LayerBuilder().dir("tmp", 01777).dir("app").file("app/app", "bin".getBytes(), 0755)
        .file("var/lib/apt/lists/lock", new byte[0], 0640).dir("var/cache/apk");
  }

  Report check(String config, LayerBuilder layer, String createdBy) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "layout");
    new OciLayoutBuilder().config(config).layer(layer.build(), OciLayoutBuilder.Compression.GZIP, createdBy).write(dir);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 100_000));
      return new Engine(ImageChecks.all()).evaluate(ImageSubject.of(image, tree));
    }
  }

  @Test
  void aTidyImagePassesEveryCheck() throws IOException {
    Report r = check(GOOD_CONFIG, goodLayer(), "/bin/sh -c #(nop) COPY dir:abc in /app");
    assertThat(r.findings()).isEmpty();
    assertThat(r.problems()).isEmpty();
  }

  record Defect(String config, Consumer<LayerBuilder> layer, String createdBy) {}

  static Stream<Arguments> defects() {
    String c = GOOD_CONFIG;
    String copy = "/bin/sh -c #(nop) COPY dir:abc in /app";
    return Stream.of(
        Arguments.of("PCS-IMG-001", new Defect(c.replace("\"User\":\"10001:10001\"", "\"User\":\"root\""), l -> {}, copy), "config.User"),
        Arguments.of("PCS-IMG-001", new Defect(c.replace("\"User\":\"10001:10001\",", ""), l -> {}, copy), "config.User"),
        Arguments.of("PCS-IMG-002", new Defect(c.replace(",\"Healthcheck\":{\"Test\":[\"CMD\",\"/app\",\"health\"]}", ""), l -> {}, copy), "config.Healthcheck"),
        Arguments.of("PCS-IMG-003", new Defect(c.replace("\"API_TOKEN=\"", "\"API_TOKEN=tok_9f8e7d6c5b4a39281706\""), l -> {}, copy), "config.Env[2]"),
        Arguments.of("PCS-IMG-004", new Defect(c.replace("\"app\"}", "\"app\",\"deploy.secret\":\"s3cr3t-value-for-deploys\"}"), l -> {}, copy),
            "config.Labels[\"deploy.secret\"]"),
        Arguments.of("PCS-IMG-005", new Defect(c, l -> {}, "|1 NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789 /bin/sh -c npm ci"), "history[0].created_by"),
        Arguments.of("PCS-IMG-005", new Defect(c, l -> {}, "/bin/sh -c git clone https://ci:hunter2hunter2@git.example.com/app.git"), "history[0].created_by"),
        Arguments.of("PCS-IMG-006", new Defect(c, l -> l.file("usr/bin/helper", "x".getBytes(), 04755), copy), "/usr/bin/helper (layer 0)"),
        Arguments.of("PCS-IMG-007", new Defect(c, l -> l.file("app/config.yaml", "x".getBytes(), 0666), copy), "/app/config.yaml (layer 0)"),
        Arguments.of("PCS-IMG-007", new Defect(c, l -> l.dir("app/uploads", 0777), copy), "/app/uploads (layer 0)"),
        Arguments.of("PCS-IMG-008", new Defect(c.replace("\"8080/tcp\":{}", "\"8080/tcp\":{},\"22/tcp\":{}"), l -> {}, copy), "config.ExposedPorts[\"22/tcp\"]"),
        Arguments.of("PCS-IMG-009", new Defect(c, l -> l.file("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "x"), copy),
            "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease (layer 0)"),
        Arguments.of("PCS-IMG-010", new Defect(c, l -> {}, "/bin/sh -c #(nop) ADD file:0123abcd in / "), "history[0].created_by"));
  }

  @ParameterizedTest(name = "{0} at {2}")
  @MethodSource("defects")
  void oneDefectGivesItsFindingAtItsPlace(String id, Defect d, String where) throws IOException {
    LayerBuilder layer = goodLayer();
    d.layer().accept(layer);
    Report r = check(d.config(), layer, d.createdBy());
    assertThat(r.findings()).extracting(CheckFinding::id).containsExactly(id);
    FindingLocation loc = r.findings().get(0).location();
    assertThat(loc.display()).isEqualTo(where);
  }

  @Test
  void secretsAreRedactedInMessages() throws IOException {
    String secret = "tok_9f8e7d6c5b4a39281706";
    Report r = check(GOOD_CONFIG.replace("\"API_TOKEN=\"", "\"API_TOKEN=" + secret + "\""), goodLayer(),
        "|1 NPM_TOKEN=" + secret + " /bin/sh -c npm ci");
    assertThat(r.findings()).hasSize(2).allSatisfy(f -> assertThat(f.message()).doesNotContain(secret).contains("tok_…[fp:"));
  }
}
