package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Peer;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.capture.LearningSession;
import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.behaviour.generate.Drift;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three tiers learned, then run again with one new call, api to an address outside every workload on port 443:
 * the second run against the first run's profile is drift, naming api and that peer, and nothing else.
 */
class DriftIT {
  @Test
  void aNewCallOutAfterLearningIsDriftWithTheWorkloadAndThePeer(@TempDir Path dir) throws Exception {
    WatchOptions options = WatchOptions.defaults(dir.resolve("state"));
    try (ThreeTier app = ThreeTier.create(dir)) {
      String external = app.lab.address("dns");
      app.lab.start("dns", "https", List.of("socat", "-d", "-d", "TCP-LISTEN:443,fork,reuseaddr,bind=" + external,
          "EXEC:/bin/cat"));
      app.startServers();
      ThreeTier.await("the outside server to listen", () -> {
        try {
          return app.lab.log("https").contains("listening on");
        } catch (java.io.IOException e) {
          return false;
        }
      });

      Profile api = Profile.of(run(app, options, false), Learning.Condition.DEFAULT);
      assertThat(Drift.between(api, run(app, options, false)).newFlows()).as("the same calls again").isEmpty();

      Drift drift = Drift.between(api, run(app, options, true));
      assertThat(drift.none()).isFalse();
      assertThat(drift.newFlows()).extracting(Flow::describe).containsExactly("egress tcp/443 " + external + "/32");
      assertThat(drift.newFlows().getFirst().peer()).isEqualTo(new Peer.OfAddress(external));
      assertThat(drift.workload()).isEqualTo("api");
      assertThat(drift.table()).contains("api").contains("egress tcp/443 " + external + "/32");
    }
  }

  /** One learning run of api while web calls it twice (and, when asked, api calls the outside server): api's part. */
  private static Observation run(ThreeTier app, WatchOptions options, boolean callOut) throws Exception {
    try (LearningSession session = Learner.start(app.targets(), options)) {
      for (int i = 0; i < 2; i++) {
        assertThat(app.callApi()).isEqualTo("0 api ok ping");
      }
      if (callOut) {
        app.lab.exec("api", Duration.ofSeconds(20), "sh", "-c", "echo hello | socat -T 2 - TCP:" + app.lab.address("dns")
            + ":443");
      }
      ThreeTier.await("api's calls to be read", () -> session.snapshot().stream().filter(o -> o.workload().name()
          .equals("api")).anyMatch(o -> o.flows().stream().anyMatch(f -> f.port() == 5432 && f.count() == 2)
          && (!callOut || o.flows().stream().anyMatch(f -> f.port() == 443))));
      return session.stop().stream().filter(o -> o.workload().name().equals("api")).findFirst().orElseThrow();
    }
  }
}
