package dev.portcullis.behaviour.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.behaviour.Flow;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.ProcessEntry;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Violation;
import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.LearningSession;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.WatchOptions;
import dev.portcullis.behaviour.enforce.Enforcer;
import dev.portcullis.behaviour.enforce.Modes;
import dev.portcullis.testkit.Tools;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreeTierIT {
  @Test
  void learnsTheThreeTiersThenProtectsAndMonitorsThemAndLeavesEverythingAsItWas(@TempDir Path dir)
      throws Exception {
    String auditBefore = ThreeTier.auditRules();
    List<String> progress = new CopyOnWriteArrayList<>();
    WatchOptions options = WatchOptions.defaults(dir.resolve("state")).withProgress(progress::add);
    try (ThreeTier app = ThreeTier.create(dir)) {
      Map<String, String> rulesetsBefore = app.rulesets();
      List<Target> targets = app.targets();
      String dns = app.lab.address("dns") + "/32";

      // learn while the servers start and web calls api three times
      List<Observation> observations;
      try (LearningSession session = Learner.start(targets, options)) {
        app.startServers();
        for (int i = 0; i < 3; i++) {
          assertThat(app.callApi()).isEqualTo("0 api ok ping");
        }
        ThreeTier.await("every exec and connection to be read", () -> {
          Map<String, Observation> now = byName(session.snapshot());
          return now.get("api").processes().stream().anyMatch(p -> p.executable().equals("/usr/bin/sleep")
              && p.count() == 3) && now.get("db").processes().stream().anyMatch(p -> p.count() == 3)
              && now.get("web").processes().stream().anyMatch(p -> p.count() == 3)
              && now.get("db").flows().stream().anyMatch(f -> f.count() == 3);
        }, () -> session.snapshot() + "\n" + progress);
        observations = session.stop();
      }
      assertThat(app.rulesets()).as("learning leaves no rule behind").isEqualTo(rulesetsBefore);
      Map<String, Observation> learned = byName(observations);
      // a name lookup asks for A and AAAA, from one socket or two: DNS is seen at least once a call
      assertThat(flows(learned.get("web"))).containsExactlyInAnyOrder("egress tcp/8080 api x3",
          "egress udp/53 " + dns + " x3+");
      assertThat(flows(learned.get("api"))).containsExactlyInAnyOrder("egress tcp/5432 db x3",
          "egress udp/53 " + dns + " x3+", "ingress tcp/8080 web x3");
      assertThat(flows(learned.get("db"))).containsExactlyInAnyOrder("ingress tcp/5432 api x3");
      String python = Path.of("/usr/bin/python3").toRealPath().toString();
      assertThat(processes(learned.get("web"))).containsExactly("/usr/bin/curl -s -m <n> http://api:<n>/ x3");
      assertThat(processes(learned.get("api"))).containsExactlyInAnyOrder(
          python + " " + ProcessEntry.argumentsPattern(List.of(app.apiScript.toString())) + " x1",
          "/usr/bin/sleep <n>.<n> (parent " + python + ") x3");
      assertThat(processes(learned.get("db"))).containsExactlyInAnyOrder(
          "/usr/bin/socat -d -d TCP-LISTEN:<n>,fork,reuseaddr EXEC:/bin/cat x1",
          "/usr/bin/cat (parent /usr/bin/socat) x3");
      ProcessEntry sleep = learned.get("api").processes().stream()
          .filter(p -> p.executable().equals("/usr/bin/sleep")).findFirst().orElseThrow();
      assertThat(sleep.sha256()).isEqualTo(sha256(Path.of("/usr/bin/sleep")));
      assertThat(learned.get("api").workload().addresses()).containsExactly(app.lab.address("api"));

      // protect: the learned calls still work, everything else is stopped and reported
      List<Profile> profiles = observations.stream().map(o -> Profile.of(o, Learning.Condition.DEFAULT)).toList();
      List<Violation> violations = new CopyOnWriteArrayList<>();
      long apiPid = app.api.pid();
      try (Enforcer enforcer = Enforcer.start(targets, profiles,
          Map.of("web", Mode.PROTECT, "api", Mode.PROTECT, "db", Mode.PROTECT), options, v -> {
            violations.add(v);
            System.out.println("violation: " + v.describe()); // for the log, not asserted
          })) {
        assertThat(app.callApi()).isEqualTo("0 api ok ping");
        Tools.Result direct = app.lab.exec("web", Duration.ofSeconds(20), "curl", "-s", "--connect-timeout", "2",
            "-m", "4", "http://db:5432/");
        assertThat(direct.exitCode()).as("curl web -> db:5432 times out").isEqualTo(28);
        Tools.Result shell = app.lab.exec("api", Duration.ofSeconds(20), "sh", "-c",
            "curl -s -m 2 http://db:5432/; echo survived");
        assertThat(shell.exitCode()).as("sh in api is killed").isEqualTo(137);
        assertThat(shell.stdoutText()).doesNotContain("survived");
        ThreeTier.await("both protect violations", () -> has(violations, "web: egress tcp/5432 db dropped (protect)")
            && has(violations, "api: exec /usr/bin/dash -c curl -s -m <n> http://db:<n>/; echo survived"));
        Violation.OfProcess killed = violations.stream().filter(Violation.OfProcess.class::isInstance)
            .map(Violation.OfProcess.class::cast).filter(v -> v.executable().equals("/usr/bin/dash")).findFirst()
            .orElseThrow();
        assertThat(killed.outcome()).isEqualTo(Violation.Outcome.STOPPED);
        assertThat(killed.stoppedAfter()).isNotNull();
        assertThat(killed.describe()).contains("killed").contains("ms after the exec");
        assertThat(violations).as("the learned calls made no violation").noneMatch(v ->
            v.describe().contains("tcp/8080") || v.describe().contains("/usr/bin/sleep"));

        // monitor, switched at run time: the same things are let through and reported
        for (String tier : List.of("web", "api", "db")) {
          Modes.set(options.stateDir(), tier, Mode.MONITOR);
        }
        ThreeTier.await("the switch to monitor", () -> List.of("web", "api", "db").stream()
            .allMatch(t -> enforcer.mode(t) == Mode.MONITOR));
        // a violation of the protect phase may still be on its way (a child the killed shell had forked)
        Instant monitoring = Instant.now();
        List<Violation> monitored = new SinceList(violations, monitoring);
        Tools.Result allowed = app.lab.exec("web", Duration.ofSeconds(20), "curl", "-s", "--connect-timeout", "2",
            "-m", "4", "http://db:5432/");
        assertThat(allowed.exitCode()).as("curl web -> db:5432 connects").isNotIn(7, 28);
        Tools.Result survives = app.lab.exec("api", Duration.ofSeconds(20), "sh", "-c",
            "curl -s -m 2 http://db:5432/; echo survived");
        assertThat(survives.stdoutText()).contains("survived");
        ThreeTier.await("the monitor violations", () -> has(monitored, "web: egress tcp/5432 db allowed (monitor)")
            && has(monitored, "api: exec /usr/bin/dash -c curl") && has(monitored, "api: exec /usr/bin/curl -s"));
        assertThat(new SinceList(violations, monitoring)).allMatch(v -> v.outcome() == Violation.Outcome.ALLOWED);

        // back to protect for api only: sh is killed again, web stays in monitor
        Modes.set(options.stateDir(), "api", Mode.PROTECT);
        ThreeTier.await("the switch of api to protect", () -> enforcer.mode("api") == Mode.PROTECT);
        List<Violation> protectedAgain = new SinceList(violations, Instant.now());
        // (a shell that is done within a millisecond or two ends before its exec is read: audit reports after the fact)
        assertThat(app.lab.exec("api", Duration.ofSeconds(20), "sh", "-c", "sleep 1; echo survived").exitCode())
            .isEqualTo(137);
        ThreeTier.await("the killed shell's violation", () -> has(protectedAgain, "api: exec /usr/bin/dash -c sleep"));
        assertThat(enforcer.mode("web")).isEqualTo(Mode.MONITOR);
        assertThat(app.callApi()).isEqualTo("0 api ok ping");
        assertThat(app.api.isAlive() && app.api.pid() == apiPid).as("api was never restarted").isTrue();
        assertThat(app.db.isAlive()).isTrue();
      }
      assertThat(app.rulesets()).as("enforcing leaves no rule behind").isEqualTo(rulesetsBefore);
    }
    assertThat(ThreeTier.auditRules()).isEqualTo(auditBefore);
    assertThat(progress).anyMatch(l -> l.startsWith("audit: "));
  }

  /** The violations seen at or after a time, as a live view. */
  private static final class SinceList extends java.util.AbstractList<Violation> {
    private final List<Violation> all;
    private final Instant since;

    SinceList(List<Violation> all, Instant since) {
      this.all = all;
      this.since = since;
    }

    private List<Violation> now() {
      return all.stream().filter(v -> !v.time().isBefore(since)).toList();
    }

    @Override
    public Violation get(int index) {
      return now().get(index);
    }

    @Override
    public int size() {
      return now().size();
    }

    @Override
    public java.util.Iterator<Violation> iterator() {
      return now().iterator();
    }
  }

  private static boolean has(List<Violation> violations, String prefix) {
    return violations.stream().anyMatch(v -> v.describe().startsWith(prefix));
  }

  static Map<String, Observation> byName(List<Observation> observations) {
    return observations.stream().collect(Collectors.toMap(o -> o.workload().name(), Function.identity()));
  }

  private static Set<String> flows(Observation o) {
    return o.flows().stream().map(f -> f.describe() + " x" + (f.protocol() == Flow.Protocol.UDP && f.port() == 53
        && f.count() >= 3 ? "3+" : f.count())).collect(Collectors.toSet());
  }

  private static List<String> processes(Observation o) {
    return o.processes().stream().map(p -> p.executable() + (p.arguments().isEmpty() ? "" : " " + p.arguments())
        + (p.parent() == null ? "" : " (parent " + p.parent() + ")") + " x" + p.count()).toList();
  }

  static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      digest.update(in.readAllBytes());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
