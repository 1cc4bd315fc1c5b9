package dev.portcullis.sign.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PassphraseTest {
  @Test
  void takingAPassphraseZeroesTheCallersCharacters() {
    char[] typed = "hunter2-ü".toCharArray();
    try (Passphrase p = Passphrase.of(typed)) {
      assertThat(typed).containsOnly('\0');
      assertThat(p.utf8()).isEqualTo("hunter2-ü".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void itNeverShowsItselfAndCannotBeUsedOnceClosed() {
    Passphrase p = Passphrase.of("hunter2".toCharArray());
    assertThat(p.toString()).doesNotContain("hunter2").isEqualTo("Passphrase(hidden)");
    p.close();
    assertThatThrownBy(p::utf8).isInstanceOf(IllegalStateException.class).hasMessageNotContaining("hunter2");
  }

  @Test
  void anUnpairedSurrogateIsRefusedRatherThanEncodedLossily() {
    try (Passphrase p = Passphrase.of(new char[] {'a', '\uD800'})) {
      assertThatThrownBy(p::utf8).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
