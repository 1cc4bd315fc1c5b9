package dev.portcullis.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageParserTest {
  @Test
  void aConfigWithABlankOsOrArchitectureIsForAnUnknownPlatform() throws IOException {
    var node = Json.object("{\"os\":\" \",\"architecture\":\"\\t\",\"rootfs\":{\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8), "config");
    assertThat(ImageParser.config(node, "config").platform()).isEqualTo(new Platform("unknown", "unknown", null));
  }

  @Test
  void aDescriptorWithABlankPlatformHasNoPlatform() throws IOException {
    String json = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "a".repeat(64)
        + "\",\"size\":1,\"platform\":{\"os\":\" \",\"architecture\":\"amd64\"}}";
    assertThat(ImageParser.descriptor(Json.object(json.getBytes(StandardCharsets.UTF_8), "descriptor"), "descriptor").platformIfAny()).isEmpty();
  }
}
