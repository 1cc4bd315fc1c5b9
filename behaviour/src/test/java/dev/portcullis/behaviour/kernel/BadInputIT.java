package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.LearningSession;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.Targets;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.testkit.NetnsLab;
import dev.portcullis.testkit.Podman;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputIT {
  @Test
  void referencesToNothingFailWithOneLine() throws Exception {
    assertThatThrownBy(() -> Targets.resolve("netns:pcl-no-such-ns", Map.of(), List.of("podman")))
        .isInstanceOf(IOException.class)
        .hasMessage("workload netns:pcl-no-such-ns: no network namespace at /run/netns/pcl-no-such-ns");
    assertThatThrownBy(() -> Targets.resolve("pid:2147483000", Map.of(), List.of("podman")))
        .isInstanceOf(IOException.class)
        .hasMessage("workload pid:2147483000: no network namespace at /proc/2147483000/ns/net (no such process)");
    assertThatThrownBy(() -> Targets.resolve("pid:" + ProcessHandle.current().pid(), Map.of(), List.of("podman")))
        .isInstanceOf(IOException.class).hasMessageContaining("shares the host's network namespace");
    assertThatThrownBy(() -> Targets.resolve("docker:web", Map.of(), List.of("podman")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("workload docker:web: not a reference");
    assertThatThrownBy(() -> Targets.resolve("netns:../etc", Map.of(), List.of("podman")))
        .isInstanceOf(IllegalArgumentException.class);
    try (Podman podman = Podman.create(Podman.Options.defaults())) {
      assertThatThrownBy(() -> Targets.resolve("podman:nope", Map.of(), podman.command(List.of())))
          .isInstanceOf(IOException.class).hasMessageStartingWith("workload podman:nope: podman does not know "
              + "container nope (").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void aWorkloadThatExitsDuringLearningIsNamedAndNothingIsLeftBehind(@TempDir Path dir) throws Exception {
    String auditBefore = ThreeTier.auditRules();
    List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    WatchOptions options = WatchOptions.defaults(dir.resolve("state")).withProgress(progress::add);
    try (NetnsLab lab = NetnsLab.create("stays", "exits")) {
      Process victim = lab.start("exits", "victim", List.of("sleep", "600"));
      ThreeTier.await("the victim to enter its namespace", () -> lab.identify(victim.pid()).equals(
          lab.namespace("exits")));
      List<Target> targets = List.of(
          Targets.resolve("stays=netns:" + lab.namespace("stays"), Map.of(), List.of("podman")),
          Targets.resolve("victim=pid:" + victim.pid(), Map.of(), List.of("podman")));
      String before = lab.ruleset("stays");
      CompletableFuture<Object> learning = CompletableFuture.supplyAsync(() -> {
        try {
          return Learner.learn(targets, Duration.ofSeconds(60), options);
        } catch (IOException e) {
          return e;
        }
      });
      ThreeTier.await("learning to start", () -> progress.stream().anyMatch(l -> l.startsWith("learn: watching")));
      victim.destroyForcibly().waitFor();
      Object result = learning.get(30, TimeUnit.SECONDS);
      assertThat(result).isInstanceOf(IOException.class);
      assertThat(((IOException) result).getMessage()).startsWith("learn: workload victim exited during learning: "
          + "its network namespace /proc/" + victim.pid() + "/ns/net has gone").doesNotContain("\n");
      assertThat(lab.ruleset("stays")).isEqualTo(before);
    }
    assertThat(ThreeTier.auditRules()).isEqualTo(auditBefore);
  }

  @Test
  void aNamespaceThatDisappearsDuringLearningIsNamed(@TempDir Path dir) throws Exception {
    String auditBefore = ThreeTier.auditRules();
    List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    WatchOptions options = WatchOptions.defaults(dir.resolve("state")).withProgress(progress::add);
    try (NetnsLab lab = NetnsLab.create("one", "two")) {
      List<Target> targets = List.of(
          Targets.resolve("one=netns:" + lab.namespace("one"), Map.of(), List.of("podman")),
          Targets.resolve("two=netns:" + lab.namespace("two"), Map.of(), List.of("podman")));
      try (LearningSession session = Learner.start(targets, options)) {
        lab.delete("two");
        ThreeTier.await("the loss to be seen", () -> progress.stream().anyMatch(l -> l.startsWith(
            "learn: workload two lost")));
        assertThatThrownBy(session::stop).isInstanceOf(IOException.class).hasMessage("learn: workload two exited "
            + "during learning: its network namespace /run/netns/" + lab.namespace("two") + " has gone (the workload "
            + "exited or was removed); no profile is made from an incomplete run");
      }
      assertThat(lab.ruleset("one")).isEmpty();
    }
    assertThat(ThreeTier.auditRules()).isEqualTo(auditBefore);
  }
}
