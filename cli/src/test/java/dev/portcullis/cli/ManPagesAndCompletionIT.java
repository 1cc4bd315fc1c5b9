package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages render in groff without a warning and say what --help says; bash takes the completion script. */
class ManPagesAndCompletionIT {
  @TempDir Path tmp;

  @Test
  void everyPageRendersCleanlyAndListsItsCommandsOptions() throws Exception {
    CliRun made = CliRun.of("generate-man-pages", tmp.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    List<Path> pages;
    try (Stream<Path> files = Files.list(tmp)) {
      pages = files.sorted().toList();
    }
    assertThat(pages).extracting(p -> p.getFileName().toString())
        .contains("portcullis.1", "portcullis-scan.1", "portcullis-image-files.1", "portcullis-db-update.1", "portcullis-sign-blob.1")
        .doesNotContain("portcullis-help.1", "portcullis-generate-completion.1", "portcullis-generate-man-pages.1");
    assertThat(made.out()).isEqualTo(pages.size() + " man pages in " + tmp + "\n");
    for (Path page : pages) {
      Tools.Result groff = Tools.run(Duration.ofSeconds(60), List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()));
      assertThat(groff.stderr()).as(page.toString()).isEmpty();
      assertThat(groff.exitCode()).isZero();
    }
    Tools.Result scan = Tools.run(Duration.ofSeconds(60), Map.of("MANWIDTH", "200"), List.of("man", "-l", "-P", "cat", tmp.resolve("portcullis-scan.1").toString()));
    String text = new String(scan.stdout(), StandardCharsets.UTF_8).replaceAll(".\b", "");
    assertThat(text).contains("portcullis-scan - ", "SYNOPSIS", "portcullis scan [", "--format", "--db", "EXIT STATUS", "portcullis(1)");
    String help = CliRun.of("scan", "--help").out();
    assertThat(help).contains("--format");
  }

  @Test
  void bashTakesTheCompletionScriptAndCompletesCommandsAndOptions() throws Exception {
    CliRun script = CliRun.of("generate-completion");
    assertThat(script.exit()).as(script.err()).isZero();
    Path file = tmp.resolve("portcullis");
    Files.writeString(file, script.out());
    String probe = "source " + file + " && complete -p portcullis"
        + " && COMP_WORDS=(portcullis sca) COMP_CWORD=1 COMP_LINE='portcullis sca' COMP_POINT=14 && _complete_portcullis && echo \"${COMPREPLY[@]}\""
        + " && COMP_WORDS=(portcullis scan --form) COMP_CWORD=2 COMP_LINE='portcullis scan --form' COMP_POINT=22 && _complete_portcullis && echo \"${COMPREPLY[@]}\"";
    Tools.Result bash = Tools.run(Duration.ofSeconds(60), List.of("bash", "-c", probe));
    assertThat(bash.exitCode()).as(bash.stderr()).isZero();
    String out = new String(bash.stdout(), StandardCharsets.UTF_8);
    assertThat(out).endsWith(" -F _complete_portcullis portcullis\nscan\n--format\n");
  }
}
