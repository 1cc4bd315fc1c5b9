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
import dev.portcullis.rules.dockerfile.Dockerfile;
import dev.portcullis.rules.dockerfile.DockerfileChecks;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.TestImages;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image checks on an image buildah builds from {@code misconfigured/Dockerfile} on the
 * debootstrap image: each defect the Dockerfile plants is found in the config field or the layer
 * that holds it, and the Dockerfile checks see the same defects in the source.
 */
class ImageChecksIT {
  private static final String TOKEN = "dtk_5c0ffee5c0ffee5c0ffee5c0ffee";
  private static Report report;
  private static int lastLayer;

  @BeforeAll
  static void build() throws IOException, URISyntaxException {
    Path work = Files.createTempDirectory(TestImages.workDir(), "misconfigured-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    Path context = Path.of(ImageChecksIT.class.getResource("misconfigured/Dockerfile").toURI()).getParent();
    Path layout = work.resolve("layout");
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(context, "localhost/portcullis-test/misconfigured:1", Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG, "DEPLOY_TOKEN", TOKEN));
      buildah.push("localhost/portcullis-test/misconfigured:1", "oci:" + layout + ":misconfigured");
    }
    try (Image image = Images.open(new ImageSource.OciLayout(layout, "misconfigured"), ReadOptions.defaults())) {
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1_000_000));
      report = new Engine(ImageChecks.all()).evaluate(ImageSubject.of(image, tree));
      lastLayer = image.layers().size() - 1;
    }
  }

  private static List<CheckFinding> of(String id) {
    return report.findings().stream().filter(f -> f.id().equals(id)).toList();
  }

  @Test
  void configDefectsAreFoundInTheirFields() {
    assertThat(report.problems()).isEmpty();
    assertThat(of("PCS-IMG-001")).extracting(f -> f.location().display()).containsExactly("config.User");
    assertThat(of("PCS-IMG-002")).extracting(f -> f.location().display()).containsExactly("config.Healthcheck");
    assertThat(of("PCS-IMG-003")).extracting(CheckFinding::message).singleElement().asString().startsWith("DB_PASSWORD holds Tr0u…[fp:");
    assertThat(of("PCS-IMG-004")).extracting(f -> f.location().display()).containsExactly("config.Labels[\"deploy.api_key\"]");
    assertThat(of("PCS-IMG-008")).extracting(f -> f.location().display()).containsExactly("config.ExposedPorts[\"22/tcp\"]");
    assertThat(of("PCS-IMG-010")).extracting(CheckFinding::message).anySatisfy(m -> assertThat(m).contains("used ADD"));
  }

  @Test
  void theBuildArgumentEnvAndLabelInTheHistoryAreFoundAndRedacted() {
    // buildah records ENV and LABEL steps with their values, and RUN steps with the build arguments they saw
    assertThat(of("PCS-IMG-005")).extracting(CheckFinding::message).satisfiesExactly(
        m -> assertThat(m).contains("DB_PASSWORD=Tr0u…[fp:"),
        m -> assertThat(m).contains("deploy.api_key=k-7a…[fp:"),
        m -> assertThat(m).contains("DEPLOY_TOKEN=dtk_…[fp:"));
    assertThat(of("PCS-IMG-005")).allSatisfy(f -> assertThat(((FindingLocation.InConfig) f.location()).field()).matches("history\\[\\d+\\]\\.created_by"));
    assertThat(report.findings()).allSatisfy(f -> assertThat(f.message()).doesNotContain(TOKEN).doesNotContain("Tr0ub4dor-and-3-horses-staple"));
  }

  @Test
  void fileDefectsNameTheLayerThatAddedThem() {
    assertThat(of("PCS-IMG-006")).extracting(f -> f.location().display())
        .contains("/usr/local/bin/helper (layer " + lastLayer + ")")
        .anySatisfy(d -> assertThat(d).endsWith("(layer 0)")); // su, mount and the like from Debian itself
    assertThat(of("PCS-IMG-007")).extracting(f -> f.location().display()).contains("/srv/drop (layer " + lastLayer + ")");
    assertThat(of("PCS-IMG-009")).extracting(f -> f.location().display())
        .contains("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease (layer " + lastLayer + ")");
  }

  @Test
  void theDockerfileChecksSeeTheSameDefectsInTheSource() throws IOException, URISyntaxException {
    Path file = Path.of(ImageChecksIT.class.getResource("misconfigured/Dockerfile").toURI());
    Report source = new Engine(DockerfileChecks.all()).evaluate(Dockerfile.parse("misconfigured/Dockerfile", Files.readString(file)));
    assertThat(source.findings()).extracting(CheckFinding::id)
        .contains("PCS-DF-001", "PCS-DF-006", "PCS-DF-016", "PCS-DF-017", "PCS-DF-019", "PCS-DF-020", "PCS-DF-021");
  }
}
