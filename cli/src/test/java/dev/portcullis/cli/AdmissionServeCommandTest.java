package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis admission serve} refuses what it cannot serve with, one line per problem, exit 2, before listening. */
class AdmissionServeCommandTest {
  @TempDir Path dir;

  @Test
  void everyProblemOfTheConfigurationIsListed() throws Exception {
    Path config = Files.writeString(dir.resolve("admission.yaml"), """
        listen: nowhere
        workers: 2
        stages:
          prod:
            admission: {podSecurity: strict}
        """);
    CliRun run = CliRun.of("admission", "serve", "--config", config.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("portcullis admission serve: 3 problems in " + config + ":\n"
        + "  " + config + ": workers: unknown setting (known: listen, tls, server, registry, cacheTtl, stages, admission)\n"
        + "  " + config + ": listen: must be HOST:PORT, not nowhere\n"
        + "  " + config + ": stages.prod.admission.podSecurity: must be one of privileged, baseline, restricted, not strict\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void withoutTlsOrWithHalfOfItNothingStarts() throws Exception {
    Path config = Files.writeString(dir.resolve("admission.yaml"), "stages: {prod: {admission: {requireSignature: false}}}\n");
    CliRun noTls = CliRun.of("admission", "serve", "--config", config.toString(), "--listen", "127.0.0.1:0");
    assertThat(noTls.exit()).isEqualTo(2);
    assertThat(noTls.err().strip()).isEqualTo("portcullis admission serve: the webhooks are served over HTTPS only: give tls.certificate and "
        + "tls.key in the configuration, or --tls-cert and --tls-key");

    CliRun half = CliRun.of("admission", "serve", "--config", config.toString(), "--tls-cert", dir.resolve("tls.crt").toString());
    assertThat(half.exit()).isEqualTo(2);
    assertThat(half.err().strip()).isEqualTo("portcullis admission serve: give --tls-cert and --tls-key together");

    CliRun badListen = CliRun.of("admission", "serve", "--config", config.toString(), "--listen", "127.0.0.1:99999");
    assertThat(badListen.exit()).isEqualTo(2);
    assertThat(badListen.err().strip()).isEqualTo("portcullis admission serve: --listen 127.0.0.1:99999: must be HOST:PORT with a port from 0 to 65535");

    CliRun missingKey = CliRun.of("admission", "serve", "--config", config.toString(), "--tls-cert", dir.resolve("tls.crt").toString(),
        "--tls-key", dir.resolve("tls.key").toString());
    assertThat(missingKey.exit()).isEqualTo(2);
    assertThat(missingKey.err().strip()).startsWith("portcullis admission serve: ").contains("tls.crt").doesNotContain("Exception");
  }
}
