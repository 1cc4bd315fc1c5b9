package dev.portcullis.behaviour.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftRulesetTest {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  /** The api tier of the three-tier application: called by web, calls db and an outside address, resolves names. */
  static Profile api() {
    List<Flow> flows = List.of(
        flow(Flow.Direction.INGRESS, new Peer.OfWorkload("web"), Flow.Protocol.TCP, 8080),
        flow(Flow.Direction.EGRESS, new Peer.OfWorkload("db"), Flow.Protocol.TCP, 5432),
        flow(Flow.Direction.EGRESS, new Peer.OfAddress("10.9.0.53"), Flow.Protocol.UDP, 53),
        flow(Flow.Direction.EGRESS, new Peer.OfAddress("fd00::/64"), Flow.Protocol.ICMP, 0),
        flow(Flow.Direction.EGRESS, new Peer.OfName("api.example.com"), Flow.Protocol.TCP, 443),
        flow(Flow.Direction.EGRESS, new Peer.OfWorkload("cache"), Flow.Protocol.TCP, 6379));
    Observation run = new Observation(Workload.named("api", List.of("10.9.0.3")), T, T.plusSeconds(60), flows,
        List.of());
    return Profile.of(run, Learning.Condition.DEFAULT);
  }

  static Map<String, Workload> known() {
    return Map.of("web", Workload.named("web", List.of("10.9.0.2", "fd00::2")),
        "db", Workload.named("db", List.of("10.9.0.4")));
  }

  private static Flow flow(Flow.Direction d, Peer p, Flow.Protocol protocol, int port) {
    return new Flow(d, p, protocol, port, T, T.plusSeconds(1), 3, 1);
  }

  @Test
  void protectRulesetIsTheGoldenText() throws IOException {
    golden("api-protect.nft", NftRuleset.of(api(), known(), Mode.PROTECT, 4217));
  }

  @Test
  void monitorDiffersOnlyInItsLastRules() {
    String protect = NftRuleset.of(api(), known(), Mode.PROTECT, 4217);
    String monitor = NftRuleset.of(api(), known(), Mode.MONITOR, 4217);
    assertEquals(protect.replace("counter drop\n", "counter accept\n").replace("protect mode", "monitor mode"),
        monitor);
  }

  static void golden(String name, String actual) throws IOException {
    Path source = Path.of("src/test/resources/dev/portcullis/behaviour/enforce", name);
    if (Boolean.getBoolean("portcullis.updateGolden")) {
      Files.createDirectories(source.getParent());
      Files.writeString(source, actual);
    }
    try (InputStream in = NftRulesetTest.class.getResourceAsStream(name)) {
      assertEquals(in == null ? "(no golden file " + name + ")" : new String(in.readAllBytes(),
          StandardCharsets.UTF_8), actual);
    }
  }
}
