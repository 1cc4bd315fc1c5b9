package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which commands a command line is built with: the one it names, none for a bare --version, else all. */
class MainCommandsTest {
  @Test
  void aNamedCommandIsTheOnlyOneBuilt() {
    assertThat(Main.commandsFor(new String[] {"scan", "--format", "json", "oci-dir:x"})).containsExactly(ScanCommand.class);
    assertThat(Main.commandsFor(new String[] {"sign-blob", "--help"})).containsExactly(BlobCommands.Sign.class);
    assertThat(Main.commandsFor(new String[] {"--version"})).isEmpty();
    assertThat(Main.commandsFor(new String[] {"-V"})).isEmpty();
  }

  @Test
  void anythingElseBuildsAllSoHelpAndSuggestionsSeeThemAll() {
    for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("-h", "scan"), List.of("help", "scan"), List.of("sacn"),
        List.of("--version", "scan"), List.of("--debug", "scan"))) {
      assertThat(Main.commandsFor(args.toArray(String[]::new))).as(args.toString()).isEqualTo(Main.COMMANDS);
    }
  }

  @Test
  void theCompletionAndManPagesAreMadeFromTheWholeCommandLine() {
    assertThat(Main.commandsFor(new String[] {"generate-completion"})).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor(new String[] {"generate-man-pages", "DIR"})).isEqualTo(Main.COMMANDS);
  }

  @Test
  void everyCommandNameIsUnique() {
    List<String> names = Main.COMMANDS.stream().map(c -> c.getAnnotation(picocli.CommandLine.Command.class).name()).toList();
    assertThat(names).doesNotHaveDuplicates().contains("scan", "help", "sign-blob");
  }
}
