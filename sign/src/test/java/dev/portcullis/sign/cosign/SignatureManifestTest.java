package dev.portcullis.sign.cosign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.dsse.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SignatureManifestTest {
  private static final Digest PAYLOAD = Digest.sha256("payload".getBytes(StandardCharsets.UTF_8));
  private static final Digest ENVELOPE = Digest.sha256("envelope".getBytes(StandardCharsets.UTF_8));
  private static final Descriptor SIGNATURE = new Descriptor(SimpleSigningPayload.MEDIA_TYPE, PAYLOAD, 210, List.of(),
      Map.of("dev.cosignproject.cosign/signature", "MEUCIQ=="), null);
  private static final Descriptor ATTESTATION = new Descriptor("application/vnd.dsse.envelope.v1+json", ENVELOPE, 1234, List.of(),
      Map.of("predicateType", "https://portcullis.dev/attestation/verdict/v1", "dev.cosignproject.cosign/signature", ""), null);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesTheManifestAndConfigCosignWritesForTheSameLayers() {
    SignatureManifest m = SignatureManifest.EMPTY.append(SIGNATURE).append(ATTESTATION);
    // what go-containerregistry marshals for empty.Image with these layers appended, as cosign pushes it
    String config = "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"},"
        + "{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + PAYLOAD + "\",\"" + ENVELOPE
        + "\"]},\"config\":{}}";
    assertThat(new String(m.config(), StandardCharsets.UTF_8)).isEqualTo(config);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length() + ",\"digest\":\"" + Digest.sha256(utf8(config)) + "\"},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":210,\"digest\":\"" + PAYLOAD + "\","
        + "\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQ==\"}},"
        + "{\"mediaType\":\"application/vnd.dsse.envelope.v1+json\",\"size\":1234,\"digest\":\"" + ENVELOPE + "\","
        + "\"annotations\":{\"dev.cosignproject.cosign/signature\":\"\",\"predicateType\":\"https://portcullis.dev/attestation/verdict/v1\"}}]}";
    assertThat(new String(m.toBytes(), StandardCharsets.UTF_8)).isEqualTo(manifest);
    assertThat(m.configDescriptor().digest()).isEqualTo(Digest.sha256(utf8(config)));
  }

  @Test
  void roundTripsAndReadsDockerMediaTypesAndAbsentAnnotations() throws Exception {
    SignatureManifest m = SignatureManifest.EMPTY.append(SIGNATURE).append(ATTESTATION);
    assertThat(SignatureManifest.parse(m.toBytes(), StoreLimits.DEFAULTS)).isEqualTo(m);
    String docker = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":2,\"digest\":\"" + ENVELOPE + "\"},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":7,\"digest\":\"" + PAYLOAD + "\"}]}";
    assertThat(SignatureManifest.parse(utf8(docker), StoreLimits.DEFAULTS).layers())
        .containsExactly(new Descriptor(SimpleSigningPayload.MEDIA_TYPE, PAYLOAD, 7));
  }

  @Test
  void tagsAreTheDigestDashedWithTheKindsSuffix() {
    ImageRef repo = ImageRef.parse("127.0.0.1:5000/team/app:1");
    assertThat(Attachment.SIGNATURES.in(repo, PAYLOAD).toString()).isEqualTo("127.0.0.1:5000/team/app:sha256-" + PAYLOAD.hex() + ".sig");
    assertThat(Attachment.ATTESTATIONS.tag(PAYLOAD)).isEqualTo("sha256-" + PAYLOAD.hex() + ".att");
  }

  private static String manifestWithLayers(int count) {
    String layer = "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"size\":7,\"digest\":\"" + PAYLOAD
        + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEUCIQ==\"}}";
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
        + "\"size\":2,\"digest\":\"" + ENVELOPE + "\"},\"layers\":[" + IntStream.range(0, count).mapToObj(i -> layer).collect(Collectors.joining(",")) + "]}";
  }

  @Test
  void refusesMoreLayersThanCosignReadsAndLargerManifestsThanTheRegistryTakes() throws Exception {
    assertThat(SignatureManifest.parse(utf8(manifestWithLayers(1000)), StoreLimits.DEFAULTS).layers()).hasSize(1000);
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(manifestWithLayers(3000)), StoreLimits.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessage("signature manifest: 3000 layers, more than the 1000 read");
    byte[] big = utf8(manifestWithLayers(10));
    assertThatThrownBy(() -> SignatureManifest.parse(big, new StoreLimits(1000, 1024, 1024)))
        .isInstanceOf(FormatException.class).hasMessage("signature manifest: " + big.length + " bytes, more than the 1024 read");
  }

  @Test
  void malformedManifestsSayWhatIsWrongWhere() {
    String good = manifestWithLayers(2);
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(good.replace("\"schemaVersion\":2", "\"schemaVersion\":1")), StoreLimits.DEFAULTS))
        .hasMessage("signature manifest: schemaVersion is 1, not 2");
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(good.replace("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json")),
        StoreLimits.DEFAULTS)).hasMessage("signature manifest: media type \"application/vnd.oci.image.index.v1+json\" is not an image manifest's");
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(good.replaceFirst("\"size\":7", "\"size\":-7")), StoreLimits.DEFAULTS))
        .hasMessage("signature manifest layer 0: field 'size' is not a byte count");
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(good.replace("\"MEUCIQ==\"}}]", "7}}]")), StoreLimits.DEFAULTS))
        .hasMessage("signature manifest layer 1: annotation 'dev.cosignproject.cosign/signature' is not a string");
    assertThatThrownBy(() -> SignatureManifest.parse(utf8(good.substring(0, good.length() / 2)), StoreLimits.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageStartingWith("signature manifest: not JSON");
  }
}
