package dev.portcullis.behaviour.generate;

import static dev.portcullis.behaviour.generate.ThreeTier.T0;
import static dev.portcullis.behaviour.generate.ThreeTier.dns;
import static dev.portcullis.behaviour.generate.ThreeTier.egress;
import static dev.portcullis.behaviour.generate.ThreeTier.ingress;
import static dev.portcullis.behaviour.generate.ThreeTier.process;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftTest {
  private static Observation live(List<Flow> flows, List<dev.portcullis.behaviour.ProcessEntry> processes) {
    return new Observation(ThreeTier.API, T0.plusSeconds(3600), T0.plusSeconds(3660), flows, processes);
  }

  /** api as learned, then calling out to 203.0.113.7:443 with curl and no longer resolving over TCP. */
  private static Drift apiCallsOut() {
    Profile baseline = ThreeTier.api();
    return Drift.between(baseline, live(List.of(ingress("web", 8080, 40), egress("db", 5432, 7),
        dns(Flow.Protocol.UDP, 9), egress(new Peer.OfAddress("203.0.113.7"), Flow.Protocol.TCP, 443, 1)),
        List.of(baseline.processes().get(0), baseline.processes().get(1),
            process("/usr/bin/curl", "c2".repeat(32), List.of("-s", "https://203.0.113.7/"), "1000", 1))));
  }

  @Test
  void aNewCallToAnOutsideAddressIsDriftWithTheWorkloadAndThePeer() {
    Drift drift = apiCallsOut();
    assertThat(drift.none()).isFalse();
    assertThat(drift.newFlows()).extracting(Flow::describe).containsExactly("egress tcp/443 203.0.113.7/32");
    assertThat(drift.vanishedFlows()).extracting(Flow::describe).containsExactly("egress tcp/53 10.89.0.1/32");
    assertThat(drift.newProcesses()).extracting(p -> p.executable()).containsExactly("/usr/bin/curl");
    assertThat(drift.vanishedProcesses()).isEmpty();
    assertThat(drift.table()).isEqualTo("""
        api: 2 new, 1 vanished (baseline profile revision 1, live observation)
        CHANGE    WORKLOAD  KIND     ENTRY
        new       api       flow     egress tcp/443 203.0.113.7/32
        new       api       process  /usr/bin/curl -s https://<n>.<n>.<n>.<n>/ (uid 1000, sha256 c2c2c2c2c2c2)
        vanished  api       flow     egress tcp/53 10.89.0.1/32
        """);
  }

  @Test
  void theJsonNamesTheWorkloadAndThePeerOfEveryEntry() throws IOException {
    String json = apiCallsOut().json();
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.get("apiVersion").asText()).isEqualTo(Drift.API_VERSION);
    assertThat(root.get("drift").asBoolean()).isTrue();
    assertThat(root.at("/newFlows/0/workload").asText()).isEqualTo("api");
    assertThat(root.at("/newFlows/0/peer/address").asText()).isEqualTo("203.0.113.7/32");
    assertThat(root.at("/newFlows/0/port").asInt()).isEqualTo(443);
    assertThat(root.at("/newProcesses/0/workload").asText()).isEqualTo("api");
    assertThat(root.at("/vanishedFlows/0/protocol").asText()).isEqualTo("tcp");
    assertThat(root.get("vanishedProcesses").size()).isZero();
    assertThat(apiCallsOut().json()).isEqualTo(json);
  }

  @Test
  void theSameBehaviourAgainIsNoDriftAndSaysSo() {
    Profile baseline = ThreeTier.api();
    Drift drift = Drift.between(baseline, live(baseline.flows(), baseline.processes()));
    assertThat(drift.none()).isTrue();
    assertThat(drift.table()).isEqualTo("api: no drift: nothing new, nothing vanished (baseline profile revision 1,"
        + " live observation)\n");
    assertThat(drift.json()).contains("\"drift\" : false");
  }

  @Test
  void aSecondLearningRunsProfileIsComparedTheSameWay() {
    Profile baseline = ThreeTier.api();
    Profile second = Profile.of(live(List.of(ingress("web", 8080, 4)), List.of(baseline.processes().get(0))),
        dev.portcullis.behaviour.Learning.Condition.DEFAULT);
    Drift drift = Drift.between(baseline, second);
    assertThat(drift.live()).isEqualTo("profile revision 1");
    assertThat(drift.newFlows()).isEmpty();
    assertThat(drift.vanishedFlows()).extracting(Flow::describe).containsExactly("egress tcp/5432 db",
        "egress tcp/53 10.89.0.1/32", "egress udp/53 10.89.0.1/32");
    assertThat(drift.vanishedProcesses()).extracting(p -> p.executable()).containsExactly("/usr/bin/socat");
  }

  @Test
  void aChangedBinaryIsANewProcess() {
    Profile baseline = ThreeTier.api();
    var sh = baseline.processes().getFirst();
    var changed = new dev.portcullis.behaviour.ProcessEntry(sh.executable(), "99".repeat(32), sh.arguments(),
        sh.user(), sh.parent(), sh.firstSeen(), sh.lastSeen(), sh.count(), 1);
    Drift drift = Drift.between(baseline, live(baseline.flows(), List.of(changed, baseline.processes().get(1))));
    assertThat(drift.newProcesses()).containsExactly(changed);
    assertThat(drift.vanishedProcesses()).containsExactly(sh);
  }

  @Test
  void anotherWorkloadIsAClearError() {
    assertThatThrownBy(() -> Drift.between(ThreeTier.api(), ThreeTier.web()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("drift of workload api: a profile of workload web is not of the same workload");
    Observation ofDb = new Observation(ThreeTier.DB, T0, T0.plusSeconds(1), List.of(), List.of());
    assertThatThrownBy(() -> Drift.between(ThreeTier.api(), ofDb))
        .hasMessage("drift of workload api: a live run of workload db is not of the same workload");
  }

  @Test
  void controlCharactersOfAHandEditedProfileDoNotReachTheTerminal() {
    Profile baseline = ThreeTier.api();
    var evil = new dev.portcullis.behaviour.ProcessEntry("/bin/x", null, "a\u001b[31mred\nnext", "0", null, T0, T0,
        1, 1);
    String table = Drift.between(baseline, live(baseline.flows(), List.of(evil, baseline.processes().get(0),
        baseline.processes().get(1)))).table();
    assertThat(table).contains("/bin/x a?[31mred?next (uid 0)\n").doesNotContain("\u001b");
    assertThat(table.lines()).hasSize(3);
  }
}
