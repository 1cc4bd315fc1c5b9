package dev.portcullis.server;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.Violation;
import dev.portcullis.behaviour.ViolationJson;
import dev.portcullis.behaviour.Workload;
import java.time.Instant;
import java.util.List;

/** Behaviour documents as portcullis learn and enforce write them, for the server's tests. */
final class BehaviourSamples {
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private BehaviourSamples() {}

  /** The profile of {@code workload} at {@code revision}: egress to api:8080, one process. */
  static Profile profile(String workload, int revision) {
    Profile p = Profile.of(new Observation(Workload.named(workload, List.of("10.89.0.2")), T0, T0.plusSeconds(60),
        List.of(new Flow(Flow.Direction.EGRESS, new Peer.OfWorkload("api"), Flow.Protocol.TCP, 8080, T0.plusSeconds(1),
            T0.plusSeconds(50), 12, 1)),
        List.of(new ProcessEntry("/usr/bin/curl", "a".repeat(64), "-s http://api:<n>/", "0", "/bin/sh",
            T0.plusSeconds(1), T0.plusSeconds(50), 12, 1))), Learning.Condition.DEFAULT);
    for (int r = 1; r < revision; r++) {
      p = p.merge(new Observation(p.workload(), T0.plusSeconds(100L * r), T0.plusSeconds(100L * r + 60), List.of(),
          List.of()));
    }
    return p;
  }

  static String profile(String workload) {
    return ProfileJson.write(profile(workload, 1));
  }

  /** One flow dropped and one process killed, in the body portcullis enforce sends. */
  static String violations(String workload) {
    Violation flow = new Violation.OfFlow(workload, T0.plusSeconds(200), Violation.Outcome.STOPPED,
        Flow.Direction.EGRESS, new Peer.OfWorkload("db"), Flow.Protocol.TCP, 5432);
    Violation exec = new Violation.OfProcess(workload, T0.plusSeconds(201), Violation.Outcome.STOPPED, "/bin/sh",
        "-c curl http://db:<n>/", 4242, "0", "/usr/bin/python3.11");
    return "{\"violations\":[" + ViolationJson.line(flow) + "," + ViolationJson.line(exec) + "]}";
  }
}
