package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateProxyTest {
  private static final URI UPSTREAM = URI.create("http://registry.internal:5000");

  @ParameterizedTest
  @CsvSource({
      "http://registry.internal:5000/v2/a/blobs/uploads/u?_state=x%3D, http://gate:8080/v2/a/blobs/uploads/u?_state=x%3D",
      "HTTP://REGISTRY.internal:5000/v2/a/blobs/uploads/u, http://gate:8080/v2/a/blobs/uploads/u",
      "/v2/a/blobs/uploads/u?x=1, /v2/a/blobs/uploads/u?x=1",
      "http://registry.internal:50001/v2/a, http://registry.internal:50001/v2/a",
      "https://registry.internal:5000/v2/a, https://registry.internal:5000/v2/a",
      "https://auth.example/token, https://auth.example/token",
      "http://registry.internal.evil:5000/v2/a, http://registry.internal.evil:5000/v2/a",
      "not a uri ::, not a uri ::",
  })
  void onlyLocationsNamingTheUpstreamAreRewritten(String location, String expected) {
    assertThat(GateProxy.rewriteLocation(location, UPSTREAM, "http://gate:8080")).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "https://registry.internal/v2/a, https://registry.internal",
      "https://registry.internal:443/v2/a, https://registry.internal",
  })
  void defaultPortsCompareEqual(String location, String upstream) {
    assertThat(GateProxy.rewriteLocation(location, URI.create(upstream), "http://gate:1")).isEqualTo("http://gate:1/v2/a");
  }
}
