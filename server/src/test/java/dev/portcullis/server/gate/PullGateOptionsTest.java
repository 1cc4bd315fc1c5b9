package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PullGateOptionsTest {
  @Test
  void defaults() {
    PullGate.Options o = PullGate.Options.of("127.0.0.1", 0, URI.create("https://registry.example:5000"));
    assertThat(o.maxManifestBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(o.upstreamTrust()).isEqualTo(new UpstreamTrust.JdkDefault());
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.stallTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.exchangeTimeout()).isEqualTo(Duration.ofHours(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://registry", "registry:5000", "http://registry/v2", "http://u:p@registry",
      "http://registry?x=1", "http://registry#f", "file:///tmp/x"})
  void anUpstreamThatIsNotABareHttpOriginIsRefused(String upstream) {
    assertThatThrownBy(() -> PullGate.Options.of("127.0.0.1", 0, URI.create(upstream)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstream");
  }

  @Test
  void limitsAreChecked() {
    PullGate.Options o = PullGate.Options.of("127.0.0.1", 0, URI.create("http://r"));
    assertThatThrownBy(() -> o.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("connect timeout");
    assertThatThrownBy(() -> o.withMaxManifestBytes(0)).hasMessageContaining("max manifest bytes");
    assertThatThrownBy(() -> PullGate.Options.of("127.0.0.1", 70000, URI.create("http://r"))).hasMessageContaining("70000");
  }
}
