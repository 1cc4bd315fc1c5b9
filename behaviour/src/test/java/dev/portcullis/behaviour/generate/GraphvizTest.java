package dev.portcullis.behaviour.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer's bounds, with stand-ins for {@code dot} that misbehave. */
class GraphvizTest {
  @TempDir Path dir;

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  @Test
  void aRendererThatNeverAnswersIsKilledAtItsDeadline() throws IOException {
    Path hung = script("hung-dot", "exec sleep 600");
    assertThatThrownBy(() -> Graphviz.svg(hung.toString(), "digraph {}", Duration.ofMillis(300)))
        .isInstanceOf(IOException.class)
        .hasMessage("render topology as SVG: dot did not finish within 300 ms, killed");
  }

  @Test
  void aRendererThatPrintsWithoutEndIsCutOffAtTheLimit() throws IOException {
    Path chatty = script("chatty-dot", "exec yes");
    assertThatThrownBy(() -> Graphviz.svg(chatty.toString(), "digraph {}", Duration.ofSeconds(60)))
        .isInstanceOf(IOException.class)
        .hasMessage("render topology as SVG: dot printed more than " + Graphviz.MAX_OUTPUT + " bytes, killed");
  }

  @Test
  void aFailingRendererGivesTheFirstLineOfItsErrorWithoutControlCharacters() throws IOException {
    Path failing = script("failing-dot", "cat >/dev/null; printf 'bad \\033[31mgraph\\nmore\\n' >&2; exit 3");
    assertThatThrownBy(() -> Graphviz.svg(failing.toString(), "digraph {}", Duration.ofSeconds(60)))
        .isInstanceOf(IOException.class)
        .hasMessage("render topology as SVG: dot exited with 3: bad ?[31mgraph");
  }

  @Test
  void theRendererGetsTheDotOnItsInputAndItsOutputIsTheAnswer() throws IOException {
    Path echo = script("echo-dot", "exec cat");
    String big = "digraph {\n" + "  \"n\";\n".repeat(50_000) + "}\n";
    assertThat(Graphviz.svg(echo.toString(), big, Duration.ofSeconds(60))).isEqualTo(big);
  }

  @Test
  void aBareNameIsLookedUpOnThePath() {
    assertThat(Graphviz.find("sh")).isPresent();
    assertThat(Graphviz.find("no-such-program-portcullis")).isEmpty();
  }
}
