package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DistributionRouteTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "/v2/", "/v2", "/v2/_catalog",
      "/v2/app/tags/list", "/v2/team/sub/app/tags/list",
      "/v2/app/blobs/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "/v2/app/blobs/uploads/", "/v2/app/blobs/uploads",
      "/v2/app/blobs/uploads/3f1c2a9e-7b7d-4c53-9b0f-1c9a9d3b7e21",
      "/v2/app/referrers/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "/v2/a.b_c__d---e/f-g/tags/list",
      // names may hold the API's own words as components: the last keyword decides
      "/v2/x/manifests/blobs/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void validApiPathsAreForwarded(String path) {
    assertThat(DistributionRoute.of(path)).as(path).isInstanceOf(DistributionRoute.Forward.class);
  }

  @ParameterizedTest
  @CsvSource({
      "/v2/app/manifests/1, app, 1",
      "/v2/team/sub/app/manifests/v1.2_3-rc, team/sub/app, v1.2_3-rc",
      "/v2/a/manifests/b/manifests/latest, a/manifests/b, latest",
      "/v2/app/manifests/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, app, "
          + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void manifestPathsNameTheRepositoryAndReference(String path, String name, String reference) {
    assertThat(DistributionRoute.of(path)).isEqualTo(new DistributionRoute.Manifest(name, reference));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("/v2/App/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/team/../etc/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/team/./app/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/team//app/tags/list", 400, "NAME_INVALID"),
        Arguments.of("/v2/team%2fapp/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/team/%2e%2e/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/-app/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/app-/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/a..b/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/a b/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/a\\b/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/" + "a".repeat(256) + "/manifests/1", 400, "NAME_INVALID"),
        Arguments.of("/v2/app/manifests/..", 400, "TAG_INVALID"),
        Arguments.of("/v2/app/manifests/.hidden", 400, "TAG_INVALID"),
        Arguments.of("/v2/app/manifests/" + "t".repeat(129), 400, "TAG_INVALID"),
        Arguments.of("/v2/app/manifests/sha256:abc", 400, "DIGEST_INVALID"),
        Arguments.of("/v2/app/manifests/md5:0123456789abcdef0123456789abcdef", 400, "DIGEST_INVALID"),
        Arguments.of("/v2/app/blobs/latest", 400, "DIGEST_INVALID"),
        Arguments.of("/v2/app/blobs/uploads/..", 400, "BLOB_UPLOAD_INVALID"),
        Arguments.of("/v2/app/blobs/uploads/.x", 400, "BLOB_UPLOAD_INVALID"),
        Arguments.of("/", 404, "UNSUPPORTED"),
        Arguments.of("/debug/vars", 404, "UNSUPPORTED"),
        Arguments.of("/v2/app/manifests/1/", 404, "UNSUPPORTED"),
        Arguments.of("/v2/app/whatever", 404, "UNSUPPORTED"),
        Arguments.of("/v2/app", 404, "UNSUPPORTED"),
        Arguments.of("/V2/app/tags/list", 404, "UNSUPPORTED"));
  }

  @ParameterizedTest
  @MethodSource
  void refused(String path, int status, String code) {
    assertThat(DistributionRoute.of(path)).as(path).isInstanceOfSatisfying(DistributionRoute.Refused.class, r -> {
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.code()).isEqualTo(code);
    });
  }

  static IntStream seeds() {
    return IntStream.range(0, 20);
  }

  /** Whatever the path, what passes holds no encoding, no dot or empty segment, and a valid name. */
  @ParameterizedTest
  @MethodSource("seeds")
  void noPathThatPassesCanMeanSomethingElseUpstream(int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] pieces = {"/", "a", "b0", ".", "..", "-", "_", "__", "%2e", "%2F", "%00", "manifests", "blobs", "uploads",
        "tags", "list", "referrers", "sha256:" + "ab".repeat(32), ":", "A", "\\", " ", "=", "+", "v2"};
    for (int i = 0; i < 2_000; i++) {
      StringBuilder path = new StringBuilder("/v2/");
      int n = 1 + random.nextInt(10);
      for (int j = 0; j < n; j++) {
        path.append(pieces[random.nextInt(pieces.length)]);
      }
      String p = path.toString();
      DistributionRoute route = DistributionRoute.of(p);
      if (!(route instanceof DistributionRoute.Refused)) {
        String rest = p.substring("/v2/".length());
        assertThat(rest).as(p).doesNotContain("%", "//", "\\", " ").doesNotStartWith("/");
        assertThat(("/" + rest + "/").split("/")).as(p).doesNotContain(".", "..");
      }
      if (route instanceof DistributionRoute.Manifest m) {
        assertThat(m.name()).matches(DistributionRoute.NAME.pattern());
        assertThat(p).isEqualTo("/v2/" + m.name() + "/manifests/" + m.reference());
      }
    }
  }
}
