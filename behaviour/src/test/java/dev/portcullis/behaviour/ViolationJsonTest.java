package dev.portcullis.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ViolationJsonTest {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00.123Z");

  @Test
  void eachKindReadsBackAsItWasWritten() {
    Violation flow = new Violation.OfFlow("web", T, Violation.Outcome.STOPPED, Flow.Direction.EGRESS,
        new Peer.OfWorkload("db"), Flow.Protocol.TCP, 5432);
    Violation exec = new Violation.OfProcess("api", T, Violation.Outcome.STOPPED, "/usr/bin/dash", "-c curl <n>", 4242,
        "0", "/usr/bin/python3.11", Duration.ofMillis(14));
    Violation monitored = new Violation.OfProcess("api", T, Violation.Outcome.ALLOWED, "/usr/bin/dash", "", 7, "1000",
        null, null);
    for (Violation v : new Violation[] {flow, exec, monitored}) {
      assertThat(ViolationJson.read(ViolationJson.line(v))).isEqualTo(v);
    }
    assertThat(ViolationJson.line(exec)).contains("\"stoppedAfterMs\":14",
        "\"description\":\"api: exec /usr/bin/dash -c curl <n> (pid 4242, uid 0) killed 14 ms after the exec (protect)\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[] | a violation is an object",
      "{\"kind\":\"packet\"} | kind: 'packet' is not flow or process",
      "{\"kind\":\"flow\",\"workload\":\"web\",\"extra\":1} | extra: unknown field",
      "{\"kind\":\"flow\",\"workload\":\"Web!\",\"time\":\"x\"} | workload name 'Web!' is not a DNS label",
      "{\"kind\":\"process\",\"workload\":\"web\",\"time\":\"2026-12-07T10:00:00Z\",\"outcome\":\"stopped\","
          + "\"executable\":\"sh\"} | executable: 'sh' is not an absolute path",
      "{ | not JSON",
  })
  void anythingElseSaysWhichFieldAndWhy(String json, String message) {
    assertThatThrownBy(() -> ViolationJson.read(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
