package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.MediaTypes;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.images.OciLayoutWriter;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.testkit.OciLayoutFixture;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull, push and save against the real Distribution registry over plain HTTP, with skopeo as the independent client. */
class RegistryPullIT {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private static final Platform ARM64 = new Platform("linux", "arm64", null);
  private static final RegistryOptions INSECURE = new RegistryOptions(true, null, null, Path.of("/nonexistent/config.json"), 3);

  private static RegistryProcess registry;

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() {
    registry = RegistryProcess.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static ReadOptions read(Platform platform) {
    return ReadOptions.defaults().withPlatform(platform).withRegistry(INSECURE);
  }

  private static Image pull(String rest, Platform platform) throws Exception {
    return Images.open(new ImageSource.Remote(ImageRef.parse(registry.host() + "/" + rest)), read(platform));
  }

  /** Pushes a one-layer image whose file says {@code text}; returns its manifest digest. */
  private OciLayoutFixture.Blob pushImage(String repoTag, String text) throws java.io.IOException {
    OciLayoutFixture layout = OciLayoutFixture.create(tmp.resolve("push-" + repoTag.replace(':', '-').replace('/', '-')));
    OciLayoutFixture.Blob m = layout.image("img", AMD64, List.of(Map.of("etc/message", text), Map.of("etc/second", text + " again")));
    Skopeo.copy("oci:" + layout.dir() + ":img", "docker://" + registry.host() + "/" + repoTag, List.of("--dest-tls-verify=false"));
    return m;
  }

  private static Map<String, String> files(Image image) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    for (Layer l : image.layers()) {
      try (InputStream in = l.open(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        while (tar.getNextEntry() instanceof org.apache.commons.compress.archivers.tar.TarArchiveEntry e) {
          files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return files;
  }

  @Test
  void pullsWhatSkopeoPushedAnonymously() throws Exception {
    OciLayoutFixture.Blob m = pushImage("app:1", "hello");
    try (Image image = pull("app:1", AMD64)) {
      assertThat(image.digest()).isEqualTo(m.digest());
      assertThat(image.config().platform()).isEqualTo(AMD64);
      assertThat(files(image)).containsExactly(Map.entry("etc/message", "hello"), Map.entry("etc/second", "hello again"));
    }
    try (Image byDigest = pull("app@" + m.digest(), AMD64)) {
      assertThat(byDigest.digest()).isEqualTo(m.digest());
    }
  }

  @Test
  void picksThePlatformOfAnIndexPushedWithAll() throws Exception {
    OciLayoutFixture layout = OciLayoutFixture.create(tmp.resolve("multi"));
    Map<Platform, Map<String, String>> images = new LinkedHashMap<>();
    images.put(AMD64, Map.of("arch", "I am amd64"));
    images.put(ARM64, Map.of("arch", "I am arm64"));
    layout.index("multi", images);
    Skopeo.copy("oci:" + layout.dir() + ":multi", "docker://" + registry.host() + "/multi:1", List.of("--dest-tls-verify=false", "--all"));
    try (Image arm = pull("multi:1", ARM64); Image amd = pull("multi:1", AMD64)) {
      assertThat(arm.config().platform()).isEqualTo(ARM64);
      assertThat(files(arm)).containsExactly(Map.entry("arch", "I am arm64"));
      assertThat(files(amd)).containsExactly(Map.entry("arch", "I am amd64"));
    }
    assertThatThrownBy(() -> pull("multi:1", new Platform("linux", "riscv64", null)))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("read registry:" + registry.host() + "/multi:1: no image for platform linux/riscv64 in the index (it has: linux/amd64, linux/arm64); choose one with --platform");
  }

  @Test
  void missingTagAndRepositoryAreCleanErrors() throws java.io.IOException {
    pushImage("present:1", "present");
    assertThatThrownBy(() -> pull("present:nope", AMD64))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("pull manifest " + registry.host() + "/present:nope: 404 MANIFEST_UNKNOWN (manifest unknown)");
    assertThatThrownBy(() -> pull("absent:1", AMD64))
        // Distribution 2.8 answers an unknown repository like an unknown tag
        .hasMessage("pull manifest " + registry.host() + "/absent:1: 404 MANIFEST_UNKNOWN (manifest unknown)");
  }

  @Test
  void aManifestTamperedInTheRegistryIsRefused() throws Exception {
    OciLayoutFixture.Blob m = pushImage("tampered-manifest:1", "tamper the manifest");
    Path data = registry.blobDataFile(m.digest().hex());
    String json = Files.readString(data);
    JsonNode node = Json.MAPPER.readTree(json);
    String configHex = Digest.parse(node.path("config").path("digest").asText()).hex();
    String changedHex = (configHex.charAt(0) == 'a' ? 'b' : 'a') + configHex.substring(1);
    Files.writeString(data, json.replace(configHex, changedHex));
    Digest actual = Digest.sha256(Files.readAllBytes(data));
    assertThatThrownBy(() -> pull("tampered-manifest:1", AMD64))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("verify manifest " + registry.host() + "/tampered-manifest:1: digest mismatch: expected " + m.digest() + ", got " + actual);
  }

  @Test
  void aLayerTamperedInTheRegistryFailsWhenRead() throws Exception {
    pushImage("tampered-layer:1", "tamper the layer");
    try (Image image = pull("tampered-layer:1", AMD64)) {
      Layer layer = image.layers().get(0);
      Path data = registry.blobDataFile(layer.digest().hex());
      byte[] bytes = Files.readAllBytes(data);
      bytes[bytes.length - 6] ^= 0x20;
      Files.write(data, bytes);
      assertThatThrownBy(() -> {
        try (InputStream in = layer.open()) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }).isInstanceOf(java.io.IOException.class).hasMessageContaining("layer 0 (" + layer.digest() + ")");
    }
  }

  @Test
  void pushesWithOurClientAndSkopeoReadsIt() throws Exception {
    OciLayoutFixture layout = OciLayoutFixture.create(tmp.resolve("ours"));
    OciLayoutFixture.Blob m = layout.image("ours", AMD64, List.of(Map.of("etc/ours", "pushed by portcullis")));
    ImageRef target = ImageRef.parse(registry.host() + "/pushed:v1");
    JsonNode manifest = Json.MAPPER.readTree(layout.dir().resolve("blobs/sha256/" + m.digest().hex()).toFile());
    try (RegistryClient client = RegistryClient.create(INSECURE, dev.portcullis.oci.ProgressListener.NONE)) {
      for (JsonNode d : List.of(manifest.path("config"), manifest.path("layers").path(0))) {
        Digest digest = Digest.parse(d.path("digest").asText());
        assertThat(client.blobExists(target, digest)).isFalse();
        Path file = layout.dir().resolve("blobs/sha256/" + digest.hex());
        try (InputStream in = Files.newInputStream(file)) {
          assertThat(client.putBlob(target, in, Files.size(file), digest)).isEqualTo(digest);
        }
        assertThat(client.blobExists(target, digest)).isTrue();
        // a second push finds it there and does not read the stream
        assertThat(client.putBlob(target, InputStream.nullInputStream(), Files.size(file), digest)).isEqualTo(digest);
      }
      byte[] manifestBytes = Files.readAllBytes(layout.dir().resolve("blobs/sha256/" + m.digest().hex()));
      assertThat(client.putManifest(target, manifestBytes, MediaTypes.OCI_MANIFEST)).isEqualTo(m.digest());
      assertThat(client.putManifest(ImageRef.parse(registry.host() + "/pushed:v2"), manifestBytes, MediaTypes.OCI_MANIFEST)).isEqualTo(m.digest());
      assertThat(client.tags(target)).containsExactlyInAnyOrder("v1", "v2");

      ImageRef other = ImageRef.parse(registry.host() + "/mounted:v1");
      Digest layerDigest = Digest.parse(manifest.path("layers").path(0).path("digest").asText());
      assertThat(client.mountBlob(other, layerDigest, target)).isTrue();
      assertThat(client.blobExists(other, layerDigest)).isTrue();
      Digest unknown = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
      assertThat(client.mountBlob(other, unknown, target)).isFalse();

      ImageRef bad = ImageRef.parse(registry.host() + "/pushed:bad");
      Digest lie = Digest.sha256("not these bytes".getBytes(StandardCharsets.UTF_8));
      byte[] content = "these bytes".getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> client.putBlob(bad, new java.io.ByteArrayInputStream(content), content.length, lie))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("push blob " + lie + " to " + registry.host() + "/pushed: 400 DIGEST_INVALID (provided digest did not match uploaded content)");
    }
    JsonNode inspected = Json.MAPPER.readTree(Skopeo.inspect("docker://" + registry.host() + "/pushed:v1", "--tls-verify=false"));
    assertThat(inspected.path("Digest").asText()).isEqualTo(m.digest().toString());
    assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
  }

  @Test
  void savesAPulledImageToALayoutThatSkopeoAndWeRead() throws Exception {
    OciLayoutFixture.Blob m = pushImage("saved:1", "save me");
    Path out = tmp.resolve("saved-layout");
    try (Image image = pull("saved:1", AMD64)) {
      assertThat(OciLayoutWriter.write(image, out, "saved:1")).isEqualTo(m.digest());
    }
    JsonNode inspected = Json.MAPPER.readTree(Skopeo.inspect("oci:" + out + ":saved:1"));
    assertThat(inspected.path("Digest").asText()).isEqualTo(m.digest().toString());
    assertThat(inspected.path("Layers")).hasSize(2);
    try (Image copy = Images.open(new ImageSource.OciLayout(out, "saved:1"), read(AMD64))) {
      assertThat(copy.digest()).isEqualTo(m.digest());
      assertThat(files(copy)).containsEntry("etc/message", "save me");
    }
  }
}
