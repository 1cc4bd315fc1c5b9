package dev.portcullis.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  private static final Workload API = new Workload("api", Map.of("app", "api", "tier", "backend"), "shop", null,
      List.of("10.89.0.3"));

  private static Flow flow(String peer, int port, int secondsIn, long count) {
    return new Flow(Flow.Direction.EGRESS, new Peer.OfWorkload(peer), Flow.Protocol.TCP, port,
        T0.plusSeconds(secondsIn), T0.plusSeconds(secondsIn + 1), count, 1);
  }

  private static ProcessEntry process(String exe, int secondsIn) {
    return new ProcessEntry(exe, null, ProcessEntry.argumentsPattern(List.of("-p", "5432")), "0", null,
        T0.plusSeconds(secondsIn), T0.plusSeconds(secondsIn), 1, 1);
  }

  @Test
  void aSecondRunCountsWhatItSawAgainAndAddsWhatIsNew() {
    Profile first = Profile.of(new Observation(API, T0, T0.plusSeconds(60), List.of(flow("db", 5432, 5, 3)),
        List.of(process("/usr/bin/psql", 7))), new Learning.Condition(Duration.ofSeconds(30), 2));
    Profile second = first.merge(new Observation(API, T0.plusSeconds(100), T0.plusSeconds(160),
        List.of(flow("db", 5432, 110, 2), flow("cache", 6379, 120, 1)), List.of(process("/usr/bin/psql", 130))));
    assertThat(second.revision()).isEqualTo(2);
    assertThat(second.flows()).extracting(Flow::describe).containsExactly("egress tcp/6379 cache",
        "egress tcp/5432 db");
    assertThat(second.flows().get(1).count()).isEqualTo(5);
    assertThat(second.flows().get(1).runs()).isEqualTo(2);
    assertThat(second.processes().getFirst().count()).isEqualTo(2);
    assertThat(second.learning().lastNewEntry()).isEqualTo(T0.plusSeconds(120));
    assertThat(second.learning().quietRuns()).isZero();
    assertThat(second.learning().complete()).isTrue(); // 40 s without a new entry, 30 s asked
    Profile third = second.merge(new Observation(API, T0.plusSeconds(200), T0.plusSeconds(205), List.of(), List.of()));
    assertThat(third.learning().quietRuns()).isEqualTo(1);
  }

  @Test
  void learningIsNotCompleteWhileNewEntriesKeepComing() {
    Profile p = Profile.of(new Observation(API, T0, T0.plusSeconds(60), List.of(flow("db", 5432, 50, 1)),
        List.of()), Learning.Condition.DEFAULT);
    assertThat(p.learning().complete()).isFalse();
    assertThat(p.learning().status()).isEqualTo("still learning: no new entry for 10s, 0 of 1 run(s) in a row"
        + " without one (complete after 30m without a new entry, or 2 runs in a row without one)");
  }

  @Test
  void theDocumentReadsBackToTheSameProfile() throws IOException {
    Profile p = Profile.of(new Observation(API, T0, T0.plusSeconds(60), List.of(flow("db", 5432, 5, 3),
        new Flow(Flow.Direction.EGRESS, new Peer.OfAddress("10.89.0.53"), Flow.Protocol.UDP, 53, T0, T0, 4, 1)),
        List.of(process("/usr/bin/psql", 7))), Learning.Condition.DEFAULT);
    String text = ProfileJson.write(p);
    assertThat(ProfileJson.parse(text, "p.json")).isEqualTo(p);
    assertThat(ProfileJson.write(ProfileJson.parse(text, "p.json"))).isEqualTo(text);
    assertThat(text).contains("\"address\" : \"10.89.0.53/32\"").contains("\"arguments\" : \"-p <n>\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[] | read profile p.json: the document: not an object",
      "{\"apiVersion\": \"v0\"} | read profile p.json: apiVersion: 'v0' is not portcullis.dev/behaviour-profile/v1",
      "{\"apiVersion\": \"portcullis.dev/behaviour-profile/v1\", \"extra\": 1} | read profile p.json: extra: unknown field",
      "{ | read profile p.json: not JSON",
  })
  void aFileThatIsNotAProfileSaysWhy(String text, String message) {
    assertThatThrownBy(() -> ProfileJson.parse(text, "p.json")).isInstanceOf(IOException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aHandEditedFieldIsNamedWithItsPath() throws IOException {
    Profile p = Profile.of(new Observation(API, T0, T0.plusSeconds(60), List.of(flow("db", 5432, 5, 3)),
        List.of()), Learning.Condition.DEFAULT);
    String text = ProfileJson.write(p);
    assertThatThrownBy(() -> ProfileJson.parse(text.replace("\"port\" : 5432", "\"port\" : 70000"), "p.json"))
        .hasMessage("read profile p.json: flows[0]: 70000 is not a port (1-65535)");
    assertThatThrownBy(() -> ProfileJson.parse(text.replace("\"workload\" : \"db\"", "\"workload\" : \"DB!\""),
        "p.json")).hasMessageStartingWith("read profile p.json: flows[0].peer: workload name 'DB!' is not");
    assertThatThrownBy(() -> ProfileJson.parse(text.replace("\"count\" : 3", "\"count\" : \"many\""), "p.json"))
        .hasMessage("read profile p.json: flows[0].count: not an integer");
  }
}
