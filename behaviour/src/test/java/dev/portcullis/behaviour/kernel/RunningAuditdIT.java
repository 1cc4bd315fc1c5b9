package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.LearningSession;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.Targets;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.testkit.Auditd;
import dev.portcullis.testkit.NetnsLab;
import dev.portcullis.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the host runs its own audit daemon (Debian's default ENRICHED format), its log is read and its rules kept. */
class RunningAuditdIT {
  @Test
  void theHostsDaemonIsReadAndItsOwnRulesStay(@TempDir Path dir) throws Exception {
    Path watched = Files.createFile(dir.resolve("watched"));
    try (Auditd host = Auditd.start("ENRICHED"); NetnsLab lab = NetnsLab.create("app")) {
      Tools.run(Duration.ofSeconds(10), "auditctl", "-w", watched.toString(), "-p", "wa", "-k", "host-rule");
      try {
        String rulesBefore = ThreeTier.auditRules();
        List<String> progress = new CopyOnWriteArrayList<>();
        WatchOptions options = WatchOptions.defaults(dir.resolve("state")).withAuditLog(host.log())
            .withProgress(progress::add);
        Target app = Targets.resolve("app=netns:" + lab.namespace("app"), Map.of(), List.of("podman"));
        List<Observation> observations;
        try (LearningSession session = Learner.start(List.of(app), options)) {
          assertThat(ThreeTier.auditRules()).contains("host-rule").contains("-S execve,execveat");
          assertThat(lab.exec("app", Duration.ofSeconds(10), "sh", "-c", "sleep 0.2; id -u").stdoutText())
              .isEqualTo("0\n");
          ThreeTier.await("the execs", () -> session.snapshot().get(0).processes().size() == 3, session::snapshot);
          observations = session.stop();
        }
        assertThat(progress).contains("audit: reading the running audit daemon's log " + host.log());
        assertThat(observations.get(0).processes()).extracting(p -> p.executable() + " " + p.arguments())
            .containsExactly("/usr/bin/dash -c sleep <n>.<n>; id -u", "/usr/bin/id -u", "/usr/bin/sleep <n>.<n>");
        assertThat(ThreeTier.auditRules()).isEqualTo(rulesBefore);
        assertThat(Auditd.pid()).as("the host's daemon still runs").isNotZero();
      } finally {
        Tools.run(Duration.ofSeconds(10), "auditctl", "-W", watched.toString(), "-p", "wa", "-k", "host-rule");
      }
    }
  }
}
