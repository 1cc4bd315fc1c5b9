package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestAndPlatformTest {
  @Test
  void sha256OfKnownContent() {
    // the empty-string SHA-256 from FIPS 180-4 test vectors
    assertThat(Digest.sha256(new byte[0]).toString()).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII)).hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void parsePrintRoundTripAndValidation() {
    String text = "sha256:" + "0f".repeat(32);
    assertThat(Digest.parse(text).toString()).isEqualTo(text);
    assertThat(Digest.parse(text).dashed()).isEqualTo("sha256-" + "0f".repeat(32));
    assertThatThrownBy(() -> Digest.parse("sha256:ABC")).hasMessageContaining("64 lower-case hex digits");
    assertThatThrownBy(() -> Digest.parse("md5:" + "0".repeat(32))).hasMessageContaining("unsupported digest algorithm 'md5'");
    assertThatThrownBy(() -> Digest.parse("nocolon")).hasMessageContaining("expected algorithm:hex");
  }

  @Test
  void platformsMatchAsDockerPicksThem() {
    assertThat(Platform.parse("linux/arm64").accepts(Platform.parse("linux/arm64/v8"))).isTrue();
    assertThat(Platform.parse("linux/arm64/v8").accepts(Platform.parse("linux/arm64"))).isTrue();
    assertThat(Platform.parse("linux/arm/v7").accepts(Platform.parse("linux/arm/v6"))).isFalse();
    assertThat(Platform.parse("linux/amd64").accepts(Platform.parse("windows/amd64"))).isFalse();
    assertThat(Platform.host().os()).isEqualTo("linux");
    assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("os/arch[/variant]");
  }
}
