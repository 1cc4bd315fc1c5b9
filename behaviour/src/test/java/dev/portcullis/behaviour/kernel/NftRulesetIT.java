package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.enforce.NftRuleset;
import dev.portcullis.behaviour.internal.Netns;
import dev.portcullis.behaviour.internal.OwnProcesses;
import dev.portcullis.testkit.NetnsLab;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftRulesetIT {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void theRulesetIsAcceptedByNftAndReplacesOnlyOurTableInOneStep() throws Exception {
    List<Flow> flows = List.of(
        new Flow(Flow.Direction.INGRESS, new Peer.OfWorkload("web"), Flow.Protocol.TCP, 8080, T, T, 1, 1),
        new Flow(Flow.Direction.EGRESS, new Peer.OfWorkload("db"), Flow.Protocol.TCP, 5432, T, T, 1, 1),
        new Flow(Flow.Direction.EGRESS, new Peer.OfAddress("10.9.0.53"), Flow.Protocol.UDP, 53, T, T, 1, 1),
        new Flow(Flow.Direction.EGRESS, new Peer.OfAddress("fd00::/64"), Flow.Protocol.ICMP, 0, T, T, 1, 1),
        new Flow(Flow.Direction.EGRESS, new Peer.OfAddress("10.9.1.0/24"), Flow.Protocol.SCTP, 9, T, T, 1, 1),
        new Flow(Flow.Direction.EGRESS, new Peer.OfName("api.example.com"), Flow.Protocol.TCP, 443, T, T, 1, 1));
    Profile api = Profile.of(new Observation(Workload.named("api", List.of("10.9.0.3")), T, T, flows, List.of()),
        Learning.Condition.DEFAULT);
    Map<String, Workload> known = Map.of("web", Workload.named("web", List.of("10.9.0.2", "fd00::2")),
        "db", Workload.named("db", List.of("10.9.0.4", "10.9.0.5")));
    OwnProcesses own = new OwnProcesses();
    try (NetnsLab lab = NetnsLab.create("api")) {
      // a table of someone else's, which must survive ours coming and going
      Netns.apply(own, lab.path("api"), "table ip theirs {\n  chain c {\n    type filter hook input priority 0;\n"
          + "  }\n}\n");
      String theirs = lab.ruleset("api");
      for (Mode mode : Mode.values()) {
        String ruleset = NftRuleset.of(api, known, mode, 4217);
        Netns.check(own, lab.path("api"), ruleset);
        Netns.apply(own, lab.path("api"), ruleset);
        Netns.apply(own, lab.path("api"), ruleset); // replacing works as well as creating
        String listed = lab.ruleset("api");
        assertThat(listed).contains("table ip theirs").contains("chain api-egress").contains("chain api-ingress")
            .contains("ip daddr { 10.9.0.4, 10.9.0.5 } tcp dport 5432 counter packets 0 bytes 0 accept")
            .contains("log group 4217 queue-threshold 1")
            .contains(mode == Mode.PROTECT ? "counter packets 0 bytes 0 drop" : "counter packets 0 bytes 0 accept");
        assertThat(listed.lines().filter(l -> l.contains(" accept") || l.contains(" drop") || l.contains(" log "))
            .filter(l -> !l.contains("policy accept"))).as("every rule counts").allMatch(l -> l.contains("counter"));
      }
      Netns.deleteTable(own, lab.path("api"), Netns.inode(lab.path("api")).orElseThrow());
      assertThat(lab.ruleset("api")).isEqualTo(theirs);
    }
  }
}
