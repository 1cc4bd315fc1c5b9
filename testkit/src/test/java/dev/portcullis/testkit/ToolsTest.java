package dev.portcullis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolsTest {
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void aSuccessfulCommandGivesItsOutput() throws Exception {
    Tools.Result r = Tools.run(LONG, Map.of("GREETING", "hello"), List.of("sh", "-c", "printf '%s' \"$GREETING\"; echo warn >&2"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdoutText()).isEqualTo("hello");
    assertThat(r.stderr()).isEqualTo("warn\n");
  }

  @Test
  void aFailureNamesTheCommandItsExitCodeAndTheEndOfItsStderr() {
    assertThatThrownBy(() -> Tools.run(LONG, "sh", "-c", "for i in 1 2 3 4 5; do echo line$i >&2; done; exit 3"))
        .isInstanceOf(Tools.ToolException.class)
        .hasMessage("run sh -c for i in 1 2 3 4 5; do echo line$i >&2; done; exit 3: exit code 3; stderr: line3 | line4 | line5");
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilled() {
    assertThatThrownBy(() -> Tools.run(Duration.ofMillis(300), "sh", "-c", "echo started >&2; exec sleep 600"))
        .isInstanceOf(Tools.ToolException.class)
        .hasMessageStartingWith("run sh -c echo started >&2; exec sleep 600: still running after 300 ms, killed");
  }

  @Test
  void aMissingProgramIsNamed() {
    assertThatThrownBy(() -> Tools.require("portcullis-no-such-tool"))
        .hasMessage("portcullis-no-such-tool is not installed (not on the PATH); bin/test installs it from Debian's packages");
    assertThatThrownBy(() -> Tools.run(LONG, "portcullis-no-such-tool", "--version"))
        .isInstanceOf(Tools.ToolException.class)
        .hasMessageStartingWith("run portcullis-no-such-tool --version: cannot start");
  }

  @Test
  void requireFindsAnInstalledProgram() throws Exception {
    assertThat(Tools.require("sh")).isExecutable();
  }
}
