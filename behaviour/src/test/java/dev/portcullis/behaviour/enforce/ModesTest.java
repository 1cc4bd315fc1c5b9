package dev.portcullis.behaviour.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.behaviour.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModesTest {
  @Test
  void aModeIsSetAndReadBackAndReplaced(@TempDir Path state) throws IOException {
    assertThat(Modes.get(state, "api")).isEmpty();
    Modes.set(state, "api", Mode.PROTECT);
    assertThat(Modes.get(state, "api")).isEqualTo(Optional.of(Mode.PROTECT));
    Modes.set(state, "api", Mode.MONITOR);
    assertThat(Modes.get(state, "api")).isEqualTo(Optional.of(Mode.MONITOR));
    assertThat(Files.readString(state.resolve("api.mode"))).isEqualTo("monitor\n");
    try (var files = Files.list(state)) {
      assertThat(files).containsExactly(state.resolve("api.mode")); // no temporary file is left
    }
  }

  @Test
  void aFileEditedIntoNonsenseIsAOneLineErrorAndANameIsNoPath(@TempDir Path state) throws IOException {
    Files.writeString(state.resolve("api.mode"), "block everything\n");
    assertThatThrownBy(() -> Modes.get(state, "api")).isInstanceOf(IOException.class)
        .hasMessage("read mode file " + state.resolve("api.mode") + ": 'block everything' is not a mode (monitor, "
            + "protect)");
    assertThatThrownBy(() -> Modes.set(state, "../etc/passwd", Mode.PROTECT))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
