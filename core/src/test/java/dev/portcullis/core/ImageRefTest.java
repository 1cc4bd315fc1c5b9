package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {
  private static final String D = "sha256:" + "ab".repeat(32);

  // normalisation as Docker's reference package documents it
  @ParameterizedTest
  @CsvSource({
    "alpine, docker.io/library/alpine:latest, registry-1.docker.io",
    "alpine:3.20, docker.io/library/alpine:3.20, registry-1.docker.io",
    "bitnami/redis, docker.io/bitnami/redis:latest, registry-1.docker.io",
    "index.docker.io/library/busybox:1, docker.io/library/busybox:1, registry-1.docker.io",
    "localhost/app, localhost/app:latest, localhost",
    "127.0.0.1:5000/team/app:v1.2-rc, 127.0.0.1:5000/team/app:v1.2-rc, 127.0.0.1:5000",
    "ghcr.io/org/tool, ghcr.io/org/tool:latest, ghcr.io",
    "registry.example.com:443/a/b/c:x, registry.example.com:443/a/b/c:x, registry.example.com:443",
  })
  void parsesAndNormalises(String text, String expected, String apiHost) {
    ImageRef r = ImageRef.parse(text);
    assertThat(r.toString()).isEqualTo(expected);
    assertThat(r.apiHost()).isEqualTo(apiHost);
  }

  @org.junit.jupiter.api.Test
  void aDigestPinsTheReference() {
    ImageRef r = ImageRef.parse("127.0.0.1:5000/app@" + D);
    assertThat(r.tag()).isNull();
    assertThat(r.reference()).isEqualTo(D);
    ImageRef both = ImageRef.parse("app:1@" + D);
    assertThat(both.reference()).isEqualTo(D);
    assertThat(both.tag()).isEqualTo("1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER/case", "app:bad tag", "app@sha256:short", "a//b", "-lead"})
  void refusesBadReferencesWithTheText(String text) {
    assertThatThrownBy(() -> ImageRef.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
