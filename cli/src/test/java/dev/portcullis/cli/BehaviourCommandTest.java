package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.behaviour.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BehaviourCommandTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  @TempDir Path dir;

  private static Flow flow(Flow.Direction direction, String peer, int port) {
    return new Flow(direction, new Peer.OfWorkload(peer), Flow.Protocol.TCP, port, T0.plusSeconds(1), T0.plusSeconds(9), 3, 1);
  }

  private Path write(String sub, String name, List<Flow> flows) throws Exception {
    Workload w = new Workload(name, Map.of("app", name), "shop", null, List.of());
    Profile p = Profile.of(new Observation(w, T0, T0.plusSeconds(60), flows, List.of()), Learning.Condition.DEFAULT);
    Path d = Files.createDirectories(dir.resolve(sub));
    return Files.writeString(d.resolve(name + ".json"), ProfileJson.write(p));
  }

  private void threeTier(String sub, boolean apiCallsOut) throws Exception {
    write(sub, "web", List.of(flow(Flow.Direction.EGRESS, "api", 8080)));
    List<Flow> api = new java.util.ArrayList<>(List.of(flow(Flow.Direction.INGRESS, "web", 8080), flow(Flow.Direction.EGRESS, "db", 5432)));
    if (apiCallsOut) {
      api.add(new Flow(Flow.Direction.EGRESS, new Peer.OfAddress("203.0.113.7"), Flow.Protocol.TCP, 443, T0.plusSeconds(5),
          T0.plusSeconds(5), 1, 1));
    }
    write(sub, "api", api);
    write(sub, "db", List.of(flow(Flow.Direction.INGRESS, "api", 5432)));
  }

  @Test
  void profilesBecomeNetworkPoliciesAndATopology() throws Exception {
    threeTier("learned", false);
    CliRun policies = CliRun.of("behaviour", "networkpolicy", dir.resolve("learned").toString());
    assertThat(policies.exit()).as(policies.err()).isZero();
    assertThat(policies.out()).contains("name: api-learned", "name: db-learned", "name: web-learned", "port: 5432");
    CliRun dot = CliRun.of("behaviour", "topology", "--format", "dot", dir.resolve("learned").toString());
    assertThat(dot.out()).contains("\"workload/web\" -> \"workload/api\"", "\"workload/api\" -> \"workload/db\"");
    CliRun nft = CliRun.of("behaviour", "nftables", "--workload", "api", dir.resolve("learned").toString());
    assertThat(nft.out()).contains("chain api-egress", "chain api-ingress", "counter drop").doesNotContain("chain web-");
    CliRun show = CliRun.of("behaviour", "show", "--complete", dir.resolve("learned/web.json").toString());
    assertThat(show.out()).startsWith("web revision 1: 1 flows, 0 processes; still learning:");
    assertThat(show.exit()).isEqualTo(1);
  }

  @Test
  void aNewCallOutIsDriftWithTheWorkloadAndThePeer() throws Exception {
    threeTier("before", false);
    threeTier("after", true);
    CliRun same = CliRun.of("drift", dir.resolve("before").toString(), "--against", dir.resolve("before").toString());
    assertThat(same.exit()).as(same.err()).isZero();
    CliRun drift = CliRun.of("drift", dir.resolve("before").toString(), "--against", dir.resolve("after").toString());
    assertThat(drift.exit()).isEqualTo(1);
    assertThat(drift.out()).containsPattern("new +api +flow +egress tcp/443 203.0.113.7/32");
    CliRun json = CliRun.of("drift", "--format", "json", dir.resolve("before/api.json").toString(), "--against",
        dir.resolve("after/api.json").toString());
    assertThat(json.out()).contains("\"drift\" : true", "\"address\" : \"203.0.113.7/32\"");
  }

  @Test
  void aProfileEditedIntoNonsenseIsOneLineAndExit1() throws Exception {
    Path web = write("bad", "web", List.of(flow(Flow.Direction.EGRESS, "api", 8080)));
    Files.writeString(web, Files.readString(web).replace("\"egress\"", "\"sideways\""));
    CliRun run = CliRun.of("behaviour", "networkpolicy", web.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("portcullis: read profile " + web + ": flows[0]: 'sideways' is not a direction (egress, ingress)");
    CliRun missing = CliRun.of("drift", dir.resolve("nothing.json").toString(), "--against", web.toString());
    assertThat(missing.err().strip()).isEqualTo("portcullis: read profile " + dir.resolve("nothing.json") + ": no such file");
  }
}
