package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.LearningSession;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.Targets;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.testkit.BusyboxImage;
import dev.portcullis.testkit.NetnsLab;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The db tier as a podman container (runc) joined to the lab's db namespace. */
class PodmanTierIT {
  @Test
  void aPodmanContainerInALabNamespaceIsLearnedWithItsImageDigest(@TempDir Path dir) throws Exception {
    String auditBefore = ThreeTier.auditRules();
    try (NetnsLab lab = NetnsLab.create("web", "db"); Podman podman = Podman.create(Podman.Options.defaults())) {
      Path layout = dir.resolve("layout");
      String digest = BusyboxImage.writeLayout(layout, "db", "behaviour-db");
      podman.pull("oci:" + layout + ":db");
      String image = podman.podman(Duration.ofSeconds(60), List.of("images", "--quiet", "--no-trunc")).stdoutText()
          .strip();
      // podman.run() would add --network none, which excludes any other network
      Tools.Result run = podman.podman(Duration.ofMinutes(2), List.of("run", "--ulimit", "nofile=1024:1024",
          "--ulimit", "nproc=1024:1024", "-d", "--name", "pcl-db", "--network",
          "ns:" + lab.path("db"), image, "/bin/busybox", "nc", "-ll", "-p", "5432", "-e", "/bin/cat"));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      Target db = Targets.resolve("podman:pcl-db", Map.of("tier", "db"), podman.command(List.of()));
      assertThat(db.name()).isEqualTo("pcl-db");
      assertThat(db.workload().image()).isEqualTo(digest);
      assertThat(db.workload().labels()).isEqualTo(Map.of("tier", "db"));
      assertThat(db.workload().addresses()).containsExactly(lab.address("db"));
      Target web = Targets.resolve("web=netns:" + lab.namespace("web"), Map.of(), List.of("podman"));

      List<Observation> observations;
      try (LearningSession session = Learner.start(List.of(web, db), WatchOptions.defaults(dir.resolve("state")))) {
        for (int i = 0; i < 2; i++) {
          Tools.Result echo = lab.exec("web", Duration.ofSeconds(20), "sh", "-c",
              "echo ping | socat -t 2 - TCP:" + lab.address("db") + ":5432");
          assertThat(echo.stdoutText()).as(echo.stderr()).isEqualTo("ping\n");
        }
        ThreeTier.await("the container's execs", () -> ThreeTierIT.byName(session.snapshot()).get("pcl-db")
            .processes().stream().anyMatch(p -> p.count() == 2), session::snapshot);
        observations = session.stop();
      }
      Observation learned = ThreeTierIT.byName(observations).get("pcl-db");
      assertThat(learned.workload().image()).isEqualTo(digest);
      assertThat(learned.flows()).extracting(f -> f.describe() + " x" + f.count())
          .containsExactly("ingress tcp/5432 web x2");
      assertThat(learned.processes()).extracting(p -> p.executable() + " (parent " + p.parent() + ") x" + p.count())
          .containsExactly("/bin/busybox (parent /bin/busybox) x2");
      assertThat(learned.processes().get(0).sha256()).isEqualTo(ThreeTierIT.sha256(BusyboxImage.binary()));
    }
    assertThat(ThreeTier.auditRules()).isEqualTo(auditBefore);
  }
}
