package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupTest {
  @Test
  void aCommandThatDoesWorkIsPreparedFor() {
    assertThat(Warmup.wanted(new String[] {"scan", "oci-dir:image"})).isTrue();
    assertThat(Warmup.wanted(new String[] {"sbom", "--format", "json", "dir:."})).isTrue();
    // after "--" an argument is an operand, whatever it looks like
    assertThat(Warmup.wanted(new String[] {"scan", "--", "--help"})).isTrue();
  }

  @Test
  void helpTheVersionAndNoCommandAreNot() {
    assertThat(Warmup.wanted(new String[0])).isFalse();
    assertThat(Warmup.wanted(new String[] {"--version"})).isFalse();
    assertThat(Warmup.wanted(new String[] {"help", "scan"})).isFalse();
    assertThat(Warmup.wanted(new String[] {"scan", "--help"})).isFalse();
    assertThat(Warmup.wanted(new String[] {"scan", "oci-dir:image", "-h"})).isFalse();
    assertThat(Warmup.wanted(new String[] {"db", "--version"})).isFalse();
  }
}
