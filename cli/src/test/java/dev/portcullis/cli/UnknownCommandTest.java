package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A command line naming no command we have is bad usage (exit 2, one line), --help or not. */
class UnknownCommandTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      UNKNOWN --help           | portcullis: unknown command 'UNKNOWN' (see 'portcullis --help')
      UNKNOWN                  | portcullis: unknown command 'UNKNOWN' (see 'portcullis --help')
      --help UNKNOWN           | portcullis: unknown command 'UNKNOWN' (see 'portcullis --help')
      image UNKNOWN            | portcullis: unknown command 'image UNKNOWN' (see 'portcullis image --help')
      image UNKNOWN --help     | portcullis: unknown command 'image UNKNOWN' (see 'portcullis image --help')
      imag --help              | portcullis: unknown command 'imag' (did you mean 'image'?) (see 'portcullis --help')
      image files --help a b   | portcullis: unexpected argument 'b' for 'portcullis image files' (see 'portcullis image files --help')
      image files --bogus a    | portcullis: unknown option '--bogus' for 'portcullis image files' (see 'portcullis image files --help')
      """)
  void isOneLineAndExitTwo(String line, String expected) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(line.split(" "), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(expected + "\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
