package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis server} refuses to start on a configuration it cannot use, listing every problem, exit 2. */
class ServerCommandTest {
  @TempDir Path dir;

  @Test
  void everyProblemOfTheConfigurationIsListedAndNothingStarts() throws Exception {
    Path config = Files.writeString(dir.resolve("server.yaml"), """
        listen: nowhere
        workerz: 2
        registries:
          - name: dev
            url: ftp://registry
        """);
    CliRun run = CliRun.of("server", "--config", config.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("portcullis server: 3 problems in the server's configuration:\n")
        .contains("workerz: unknown setting").contains("listen: must be HOST:PORT, not nowhere")
        .contains("registries[0].url: ftp://registry is not an http:// or https:// URL").doesNotContain("Exception");
    assertThat(run.out()).isEmpty();
    assertThat(dir.resolve("portcullis-data")).doesNotExist();
  }

  @Test
  void aMissingFileAndWorkersWithoutASharedDatabaseAreOneLine() throws Exception {
    CliRun missing = CliRun.of("server", "--config", dir.resolve("absent.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("portcullis server: read configuration " + dir.resolve("absent.yaml") + ": no such file");

    Files.writeString(dir.resolve("vuln.db"), "not read before the check");
    Path config = Files.writeString(dir.resolve("server.yaml"), """
        vulnerabilityDatabase: vuln.db
        registries:
          - name: dev
            url: http://127.0.0.1:1
        """);
    CliRun workers = CliRun.of("server", "--config", config.toString(), "--worker-only");
    assertThat(workers.exit()).isEqualTo(2);
    assertThat(workers.err()).contains("--worker-only needs a PostgreSQL database");
  }
}
