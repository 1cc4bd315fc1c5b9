package dev.portcullis.oci.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageConfig;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.it.ImageForms.Form;
import dev.portcullis.oci.it.ImageForms.Variant;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.Tools;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What Portcullis reads from an image agrees with what skopeo reads from the same image. */
class ImageMatchesSkopeoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void tools() throws IOException {
    Tools.require("skopeo");
    Tools.require("buildah");
    Tools.require("umoci");
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("dev.portcullis.oci.it.ImageForms#all")
  void manifestLayersAndConfigAgreeWithSkopeo(String name, Form form) throws IOException {
    Variant v = ImageForms.variant(name, form);
    byte[] rawManifest = Skopeo.rawManifest(v.transportRef());
    byte[] rawConfig = Skopeo.rawConfig(v.transportRef());
    JsonNode manifest = JSON.readTree(rawManifest);
    JsonNode config = JSON.readTree(rawConfig);

    try (Image image = v.open()) {
      if (form == Form.DOCKER_ARCHIVE) {
        // a legacy docker archive stores no manifest: skopeo and Portcullis each synthesise one, so
        // their bytes (and digests) differ; the config digest and the layer digests must still agree
        assertThat(image.manifest().config().digest().toString()).isEqualTo(manifest.path("config").path("digest").asText());
      } else {
        assertThat(image.rawManifest()).as("manifest bytes").isEqualTo(rawManifest);
        assertThat(image.digest()).as("manifest digest").isEqualTo(Digest.sha256(rawManifest));
      }
      assertThat(image.rawConfig()).as("config bytes").isEqualTo(rawConfig);
      assertThat(image.manifest().config().digest()).isEqualTo(Digest.sha256(rawConfig));

      List<String> layerDigests = new ArrayList<>();
      manifest.path("layers").forEach(l -> layerDigests.add(l.path("digest").asText()));
      assertThat(image.layers()).extracting(l -> l.digest().toString()).containsExactlyElementsOf(layerDigests);
      if (form == Form.ZSTD_LAYOUT) {
        assertThat(image.layers()).extracting(Layer::mediaType).allMatch(t -> t.endsWith("+zstd"));
      }

      List<String> diffIds = new ArrayList<>();
      config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
      assertThat(image.config().diffIds()).extracting(Digest::toString).containsExactlyElementsOf(diffIds);
      assertThat(image.layers()).extracting(l -> l.diffId().toString()).containsExactlyElementsOf(diffIds);

      JsonNode c = config.path("config");
      ImageConfig ours = image.config();
      assertThat(ours.user()).isEqualTo(c.path("User").asText(""));
      assertThat(ours.env()).isEqualTo(strings(c.path("Env")));
      assertThat(ours.entrypoint()).isEqualTo(strings(c.path("Entrypoint")));
      assertThat(ours.cmd()).isEqualTo(strings(c.path("Cmd")));
      assertThat(ours.workingDir()).isEqualTo(c.path("WorkingDir").asText(""));
      assertThat(ours.exposedPorts()).containsExactlyInAnyOrderElementsOf(keys(c.path("ExposedPorts")));
      assertThat(ours.labels()).isEqualTo(labels(c.path("Labels")));
      assertThat(ours.platform().os()).isEqualTo(config.path("os").asText());
      assertThat(ours.platform().architecture()).isEqualTo(config.path("architecture").asText());

      List<String> createdBy = new ArrayList<>();
      config.path("history").forEach(h -> {
        if (!h.path("empty_layer").asBoolean(false)) {
          createdBy.add(h.path("created_by").asText(""));
        }
      });
      assertThat(image.layers()).extracting(l -> l.createdBy().orElse("")).containsExactlyElementsOf(createdBy);
    }
  }

  /** The comparison above would pass on two empty configs; this pins what the Dockerfile says. */
  @Test
  void whiteoutsConfigIsWhatItsDockerfileSays() throws IOException {
    try (Image image = ImageForms.variant("whiteouts", Form.OCI_LAYOUT).open()) {
      ImageConfig c = image.config();
      assertThat(c.user()).isEqualTo("1000:1000");
      assertThat(c.env()).contains(Debootstrap.PATH_ENV, "APP_MODE=test", "GREETING=hello world");
      assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c");
      assertThat(c.cmd()).containsExactly("echo $GREETING");
      assertThat(c.workingDir()).isEqualTo("/srv");
      assertThat(c.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "53/udp");
      assertThat(c.labels()).containsEntry("dev.portcullis.fixture", "whiteouts").containsEntry("org.opencontainers.image.title", "whiteouts");
      assertThat(image.layers()).hasSize(5);
      assertThat(image.layers().get(0).createdBy()).contains(Debootstrap.CREATED_BY);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> keys(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static Map<String, String> labels(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
