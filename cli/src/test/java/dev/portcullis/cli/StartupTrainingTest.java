package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupTrainingTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void theHelpTrainingRunsEachOfItsCommandsWithExitZero() {
    assertThat(StartupTraining.train(StartupTraining.HELP, new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aCommandThatFailsEndsTheTrainingWithItsExitCodeAndOneLine() {
    List<List<String>> commands = List.of(List.of("--version"), List.of("no-such-command"), List.of("--help"));
    assertThat(StartupTraining.train(commands, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("start-up training: 'portcullis no-such-command' exited with 2\n");
  }
}
