package dev.portcullis.sign.cosign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleSigningPayloadTest {
  private static final Digest D = Digest.parse("sha256:" + "ab".repeat(32));

  @Test
  void writesCosignsLayout() {
    String json = new String(new SimpleSigningPayload("127.0.0.1:5000/app", D, Map.of()).toBytes(), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/app\"},\"image\":{\"docker-manifest-digest\":\"sha256:"
        + "ab".repeat(32) + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
  }

  @Test
  void readsCosignsOlderCapitalisedDigestKeyAndAnnotations() throws Exception {
    String json = "{\"critical\":{\"identity\":{\"docker-reference\":\"r/app\"},\"image\":{\"Docker-manifest-digest\":\"" + D
        + "\"},\"type\":\"cosign container image signature\"},\"optional\":{\"creator\":\"ci\",\"timestamp\":1458239713}}";
    SimpleSigningPayload p = SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(p.manifestDigest()).isEqualTo(D);
    assertThat(p.optional()).containsEntry("creator", "ci").containsEntry("timestamp", "1458239713");
    assertThat(SimpleSigningPayload.parse(new SimpleSigningPayload("r/app", D, Map.of("a", "b")).toBytes()).optional()).isEqualTo(Map.of("a", "b"));
  }

  @Test
  void refusesOtherTypes() {
    String json = "{\"critical\":{\"identity\":{\"docker-reference\":\"r/app\"},\"image\":{\"docker-manifest-digest\":\"" + D + "\"},\"type\":\"atomic container signature\"}}";
    assertThatThrownBy(() -> SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8)))
        .hasMessage("simple-signing payload: type is 'atomic container signature', not 'cosign container image signature'");
  }
}
