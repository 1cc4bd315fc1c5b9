package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReadExceptionTest {
  @Test
  void controlCharactersFromTheImageAreEscapedSoTheMessageStaysOneLine() {
    String m = new ImageReadException("read layer 0 of x: unknown layer media type 'a\nb\r\u0000\u2028'").getMessage();
    assertThat(m).isEqualTo("read layer 0 of x: unknown layer media type 'a\\nb\\r\\u0000\\u2028'");
  }

  @Test
  void anOverlongMessageKeepsWhatWasDoneAndWhy() {
    String m = new ImageReadException("read layer 0 of x: unknown layer media type '" + "x".repeat(100_000) + "' (not a tar)").getMessage();
    assertThat(m).hasSizeLessThanOrEqualTo(ImageReadException.MAX_MESSAGE)
        .startsWith("read layer 0 of x: unknown layer media type 'xxx")
        .endsWith("xxx' (not a tar)")
        .contains("characters left out");
  }
}
