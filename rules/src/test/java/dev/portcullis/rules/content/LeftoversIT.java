package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance cases of the promotion guard on an image buildah builds on the debootstrap image:
 * one layer copies in an SSH private key that {@code ssh-keygen} makes at test time, the next
 * deletes it, and the entrypoint starts the JVM with a JDWP agent listening on every interface.
 */
class LeftoversIT {
  private static Report report;
  private static int copyLayer;
  private static int removeLayer;
  private static String keyBody;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    Path work = Files.createTempDirectory(TestImages.workDir(), "leftovers-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    Path context = Files.createDirectories(work.resolve("context"));
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy@build", "-f", context.resolve("id_ed25519").toString())
        .redirectErrorStream(true).start();
    assertThat(keygen.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(keygen.exitValue()).as(new String(keygen.getInputStream().readAllBytes())).isZero();
    List<String> lines = Files.readAllLines(context.resolve("id_ed25519"));
    keyBody = String.join("", lines.subList(1, lines.size() - 1));
    Files.writeString(context.resolve("Dockerfile"), """
        ARG BASE
        FROM ${BASE}
        COPY id_ed25519 /root/.ssh/id_ed25519
        RUN git_clone_done=1 && rm /root/.ssh/id_ed25519
        ENTRYPOINT ["java", "-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005", "-jar", "/app/app.jar"]
        """);
    Path layout = work.resolve("layout");
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(context, "localhost/portcullis-test/leftovers:1", Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG));
      buildah.push("localhost/portcullis-test/leftovers:1", "oci:" + layout + ":leftovers");
    }
    try (Image image = Images.open(new ImageSource.OciLayout(layout, "leftovers"), ReadOptions.defaults())) {
      List<Layer> layers = image.layers();
      for (int i = 0; i < layers.size(); i++) {
        String by = layers.get(i).createdBy().orElse("");
        copyLayer = by.contains("COPY") ? i : copyLayer;
        removeLayer = by.contains("rm /root/.ssh") ? i : removeLayer;
      }
      FileTree tree = FileTree.read(image, new LayerScanner(null, 1_000_000));
      ImageSubject subject = ImageSubject.of(image, tree);
      Engine engine = new Engine(Checks.all());
      report = engine.evaluate(subject).plus(engine.evaluate(Contents.ofImage(subject, Checks.contentInterest(), ReadLimits.DEFAULT)));
    }
  }

  private static List<CheckFinding> of(String id) {
    return report.findings().stream().filter(f -> f.id().equals(id)).toList();
  }

  @Test
  void theDeletedKeyIsReportedWithTheLayerThatAddedItRedacted() {
    assertThat(copyLayer).isPositive();
    assertThat(removeLayer).isGreaterThan(copyLayer);
    CheckFinding key = of("PCS-SECRET-017").stream().filter(f -> f.location() instanceof FindingLocation.InLayer l && l.location().path().equals("/root/.ssh/id_ed25519"))
        .findFirst().orElseThrow(() -> new AssertionError("no PCS-SECRET-017 on /root/.ssh/id_ed25519 in " + report.findings()));
    FindingLocation.InLayer where = (FindingLocation.InLayer) key.location();
    assertThat(where.location().layerIndex()).isEqualTo(copyLayer);
    assertThat(where.location().layerDiffIdIfAny()).isPresent();
    assertThat(key.message()).contains("deleted by layer " + removeLayer).contains("…[fp:");
    assertThat(report.findings()).allSatisfy(f -> assertThat(f.message()).doesNotContain(keyBody.substring(0, 40)).doesNotContain(keyBody.substring(40, 80)));
  }

  @Test
  void theJdwpAgentInTheEntrypointIsADebugFinding() {
    assertThat(of("PCS-DEBUG-001")).extracting(f -> f.location().display()).contains("config.Entrypoint");
    assertThat(of("PCS-DEBUG-001")).extracting(CheckFinding::message).anySatisfy(m -> assertThat(m).contains("-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005"));
  }
}
