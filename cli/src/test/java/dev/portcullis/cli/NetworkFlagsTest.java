package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --network-timeout and --stall-timeout: parsed, refused when nonsense, and obeyed by registry and mirror reads. */
class NetworkFlagsTest {
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void durationsReadAndPrintTheSameWay() {
    assertThat(NetworkFlags.Span.parse("500ms").value()).isEqualTo(Duration.ofMillis(500));
    assertThat(NetworkFlags.Span.parse("90s").value()).isEqualTo(Duration.ofSeconds(90));
    assertThat(NetworkFlags.Span.parse("5m").value()).isEqualTo(Duration.ofMinutes(5));
    assertThat(NetworkFlags.Span.parse("2h").value()).isEqualTo(Duration.ofHours(2));
    assertThat(new NetworkFlags.Span(Duration.ofHours(1))).hasToString("1h");
    assertThat(new NetworkFlags.Span(Duration.ofSeconds(60))).hasToString("1m");
    assertThat(new NetworkFlags.Span(Duration.ofMillis(1500))).hasToString("1500ms");
    for (String bad : new String[] {"0s", "-1s", "10", "1d", "s", "99999999999s"}) {
      assertThatThrownBy(() -> NetworkFlags.Span.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theDefaultsComeFromTheOnePlaceThatDefinesThem() {
    assertThat(new NetworkFlags().deadlines()).isEqualTo(dev.portcullis.oci.TransferDeadlines.DEFAULT);
    assertThat(run("db", "update", "--help").out()).contains("--network-timeout=DURATION").contains("default 1h").contains("--stall-timeout")
        .contains("default 1m");
    assertThat(run("image", "inspect", "--help").out()).contains("--network-timeout").contains("--stall-timeout");
  }

  @Test
  void aNonsenseDurationIsBadUsage() {
    CliRun r = run("db", "update", "--mirror", "http://127.0.0.1:1/", "--stall-timeout", "0s", "--db", tmp.resolve("db").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--stall-timeout").contains("'0s' is not a positive number");
  }

  @Test
  void aMirrorThatNeverAnswersFailsWithinTheStallTimeoutGiven() throws Exception {
    // the kernel completes connections into the backlog; nobody ever answers them
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String mirror = "http://127.0.0.1:" + silent.getLocalPort() + "/mirror/";
      Path db = tmp.resolve("db");
      CliRun r = run("db", "update", "--mirror", mirror, "--stall-timeout", "1s", "--db", db.toString());
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).isEqualTo("portcullis: update " + db + " from " + mirror + ": GET index.json: no answer from " + mirror
          + "index.json within the stall timeout of 1 s" + System.lineSeparator());
    }
  }

  @Test
  void aRegistryThatNeverAnswersFailsWithinTheDeadlinesGiven() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String host = "127.0.0.1:" + silent.getLocalPort();
      CliRun r = run("image", "inspect", "--insecure", "--no-cache", "--stall-timeout", "1s", "--network-timeout", "2s", "registry:" + host + "/app:1");
      assertThat(r.exit()).isEqualTo(1);
      // a retry may be announced first; the error is the last line, and the network timeout ends the retries
      List<String> lines = r.err().lines().toList();
      assertThat(lines.getLast()).isEqualTo("portcullis: pull manifest " + host + "/app:1: no answer from http://" + host
          + "/v2/app/manifests/1 within the network timeout of 2 s");
      assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.startsWith("portcullis: warning: ") && l.contains("within the stall timeout of 1 s"));
    }
  }
}
