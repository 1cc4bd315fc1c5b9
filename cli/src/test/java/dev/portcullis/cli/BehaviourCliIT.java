package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour commands as a user runs them, on two real network namespaces: learn while a client calls a server,
 * turn the profiles into NetworkPolicy, then enforce them: the learned call works, a call to a port nobody learned
 * is dropped and reported in protect mode, let through after {@code behaviour mode} switches to monitor, and every
 * rule is gone when enforce ends.
 */
class BehaviourCliIT {
  @Test
  void learnThenEnforceFromTheCommandLine(@TempDir Path dir) throws Exception {
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    Path state = dir.resolve("state");
    try (NetnsLab lab = NetnsLab.create("client", "server")) {
      String server = lab.address("server");
      lab.start("server", "http-8080", List.of("python3", "-m", "http.server", "8080", "--bind", server));
      lab.start("server", "http-9090", List.of("python3", "-m", "http.server", "9090", "--bind", server));
      String clientRef = "client=netns:" + lab.namespace("client");
      String serverRef = "server=netns:" + lab.namespace("server");
      String clientRules = lab.ruleset("client");
      await("the servers to listen", () -> curl(lab, server, 8080) && curl(lab, server, 9090));

      CompletableFuture<CliRun> learning = CompletableFuture.supplyAsync(() -> CliRun.of("learn", clientRef, serverRef,
          "--label", "client:tier=front", "--namespace", "shop", "--duration", "5s", "-o", profiles.toString(),
          "--state-dir", state.toString(), "-q"));
      await("learning's rules", () -> rules(lab, "client"));
      for (int i = 0; i < 3; i++) {
        assertThat(curl(lab, server, 8080)).isTrue();
      }
      CliRun learned = learning.get();
      assertThat(learned.exit()).as(learned.err()).isZero();
      assertThat(learned.err()).contains("client.json: revision 1, 1 flows");
      assertThat(Files.readString(profiles.resolve("client.json"))).contains("\"workload\" : \"server\"", "\"port\" : 8080",
          "\"tier\" : \"front\"", "\"executable\" : \"/usr/bin/curl\"");
      assertThat(lab.ruleset("client")).isEqualTo(clientRules);

      CliRun policies = CliRun.of("behaviour", "networkpolicy", profiles.toString());
      assertThat(policies.out()).contains("name: client-learned", "namespace: shop", "tier: front", "port: 8080");

      CompletableFuture<CliRun> enforcing = CompletableFuture.supplyAsync(() -> CliRun.of("enforce", profiles.toString(),
          "--workload", clientRef, "--workload", serverRef, "--mode", "protect", "--duration", "8s", "--state-dir",
          state.toString(), "-q"));
      await("enforce's rules", () -> rules(lab, "client"));
      assertThat(curl(lab, server, 8080)).as("the learned call").isTrue();
      assertThat(curl(lab, server, 9090)).as("a port nobody learned, in protect mode").isFalse();
      CliRun switched = CliRun.of("behaviour", "mode", "client", "monitor", "--state-dir", state.toString());
      assertThat(switched.exit()).as(switched.err()).isZero();
      await("monitor mode to let port 9090 through", () -> curl(lab, server, 9090));
      CliRun enforced = enforcing.get();
      assertThat(enforced.exit()).as(enforced.err()).isZero();
      assertThat(enforced.out()).contains("\"description\":\"client: egress tcp/9090 server dropped (protect)\"")
          .contains("\"description\":\"client: egress tcp/9090 server allowed (monitor)\"");
      assertThat(lab.ruleset("client")).isEqualTo(clientRules);

      CliRun nonsense = CliRun.of("enforce", profiles.toString(), "--workload", "client=netns:no-such-namespace",
          "--duration", "1s", "--state-dir", state.toString());
      assertThat(nonsense.exit()).isEqualTo(1);
      assertThat(nonsense.err().strip().lines()).hasSize(1);
      assertThat(nonsense.err()).contains("no-such-namespace");
    }
  }

  /**
   * A call from the client namespace. The shell lives long enough to be seen entering the namespace, so the programs
   * are learned like the workload's own (a program run into a namespace from outside that ends within a few
   * milliseconds may not be), and in protect mode they are allowed: what is stopped is the connection alone.
   */
  static boolean curl(NetnsLab lab, String address, int port) {
    try {
      return lab.exec("client", Duration.ofSeconds(10), "sh", "-c", "sleep 0.3; exec curl -s -o /dev/null -m 2 http://"
          + address + ":" + port + "/").exitCode() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static boolean rules(NetnsLab lab, String name) {
    try {
      return lab.ruleset(name).contains("table inet portcullis");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("waited 30 s for " + what);
      }
      Thread.sleep(100);
    }
  }
}
