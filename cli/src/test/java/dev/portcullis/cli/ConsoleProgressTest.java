package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static String render(boolean terminal) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ConsoleProgress p = new ConsoleProgress(new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
    p.started("layer 0 abc", 4 << 20);
    p.advanced("layer 0 abc", 1 << 20);
    p.warn("skipped foreign layer 1");
    p.finished("layer 0 abc");
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTerminalGetsABarRedrawnInPlace() {
    String out = render(true);
    assertThat(out).contains("\r\033[K").contains("layer 0 abc [#######").contains(" 25.0% 1.0 MiB/4.0 MiB");
    assertThat(out).contains("portcullis: warning: skipped foreign layer 1\n");
  }

  @Test
  void aPipeOrFileGetsWarningsOnly() {
    assertThat(render(false)).isEqualTo("portcullis: warning: skipped foreign layer 1\n");
  }

  @Test
  void aWarningQuotingAnImageIsOneEscapedLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    new ConsoleProgress(new PrintStream(err, true, StandardCharsets.UTF_8), false).warn("entry '\033[2Jx\ny\u202e' skipped");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("portcullis: warning: entry '\\033[2Jx\\ny\\u202e' skipped\n");
  }
}
