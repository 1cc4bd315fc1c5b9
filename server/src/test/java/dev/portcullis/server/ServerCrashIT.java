package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.testkit.ChildJvm;
import dev.portcullis.testkit.Postgres;
import dev.portcullis.testkit.RegistryProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers killed with SIGKILL in the middle of their work, in processes of their own: after a
 * restart (or while other servers go on) every image ends in a final state, none is decided twice,
 * and no job is lost, on SQLite and on PostgreSQL.
 */
class ServerCrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FINAL = Set.of("passed", "warned", "quarantined");
  private static Postgres postgres;
  private static int databases;

  @TempDir Path dir;
  private RegistryProcess registry;
  private int serverPort;
  /** A token with every role for the reads, made on the first one (it lives in the database, so it outlives the servers). */
  private String token;
  private final List<Process> children = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    children.forEach(Process::destroyForcibly);
    if (registry != null) {
      registry.close();
    }
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static synchronized String newPostgresDatabase() {
    if (postgres == null) {
      postgres = Postgres.start();
    }
    return postgres.createDatabase("crash" + (++databases));
  }

  private Path config(int workers) throws IOException {
    serverPort = RegistryProcess.freePort();
    Path db = ServerFixtures.database(dir);
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: %d
        vulnerabilityDatabase: %s
        signatureGrace: 0s
        sweepInterval: 0
        jobs:
          lease: 3s
          backoff: 1s
        registries:
          - name: dev
            url: http://%s
        """.formatted(serverPort, workers, db, registry.host()) + ServerFixtures.auth(dir));
    return config;
  }

  /** Starts {@code portcullis server} in a JVM of its own and waits until it says it started. */
  private Process child(Path config, Optional<String> database, boolean workerOnly, String name) throws Exception {
    List<String> command = new ArrayList<>(ChildJvm.command(List.of("-Xmx256m"), ServerChildMain.class.getName(), List.of(config.toString())));
    database.ifPresent(command::add);
    if (workerOnly) {
      command.add("--worker-only");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    children.add(p);
    Path log = dir.resolve(name + "-" + p.pid() + ".log");
    CountDownLatch started = new CountDownLatch(1);
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
        for (String line; (line = r.readLine()) != null; ) {
          out.println(line);
          if (line.equals("STARTED")) {
            started.countDown();
          }
        }
      } catch (IOException e) {
        // the child was killed
      }
    });
    if (!started.await(180, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not start: " + Files.readString(log));
    }
    return p;
  }

  private JsonNode get(String path) throws Exception {
    if (token == null) {
      token = ServerFixtures.token(serverPort, "crash-it", ServerFixtures.ALL_ROLES);
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + path))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private int decided() throws Exception {
    int n = 0;
    for (JsonNode i : get("/v1/images?limit=1000").get("images")) {
      if (FINAL.contains(i.get("state").asText())) {
        n++;
      }
    }
    return n;
  }

  private void awaitDecided(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (decided() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + decided() + " of " + count + " images decided; logs in " + dir);
      }
      Thread.sleep(200);
    }
  }

  /** Every image decided exactly once, every job done (none dead, none lost). */
  private void assertEachDecidedOnce(List<String> digests) throws Exception {
    for (String d : digests) {
      JsonNode entry = get("/v1/images/" + d).get("registries").get(0);
      assertThat(FINAL).contains(entry.get("image").get("state").asText());
      List<String> finals = new ArrayList<>();
      entry.get("transitions").forEach(t -> {
        if (FINAL.contains(t.get("to").asText())) {
          finals.add(t.get("to").asText());
        }
      });
      assertThat(finals).as("final transitions of " + d).hasSize(1);
    }
    JsonNode jobs = get("/v1/jobs?limit=1000").get("jobs");
    assertThat(jobs.size()).isEqualTo(digests.size());
    jobs.forEach(j -> assertThat(j.get("state").asText()).as(j.toString()).isEqualTo("done"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aServerKilledInTheMiddleOfTwentyScansFinishesThemAfterARestart(String store) throws Exception {
    registry = RegistryProcess.start();
    List<String> digests = SyntheticImages.push(registry.host(), "crash", 20, 600);
    Path config = config(2);
    Optional<String> database = store.equals("sqlite") ? Optional.empty() : Optional.of(newPostgresDatabase());
    Process first = child(config, database, false, "first");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    int before;
    while ((before = decided()) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(before).as("killed in the middle: some images decided, not all").isBetween(1, 19);

    child(config, database, false, "second");
    awaitDecided(20, Duration.ofMinutes(3));
    assertEachDecidedOnce(digests);
  }

  @Test
  void threeServersOnOnePostgresScanEachImageOnceAndTakeOverAKilledWorkersJob() throws Exception {
    registry = RegistryProcess.start();
    List<String> digests = SyntheticImages.push(registry.host(), "many", 200, 5);
    Path config = config(2);
    String database = newPostgresDatabase();
    Process victim = child(config, Optional.of(database), true, "worker-a");
    child(config, Optional.of(database), true, "worker-b");
    child(config, Optional.of(database), false, "server");

    // kill -9 the first worker while it holds a job
    String jdbc = database;
    String takenOver = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    try (Connection c = DriverManager.getConnection(jdbc)) {
      while (takenOver == null && System.nanoTime() < deadline) {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM jobs WHERE state = 'running' AND lease_owner LIKE ?")) {
          s.setString(1, victim.pid() + "@%");
          try (ResultSet r = s.executeQuery()) {
            if (r.next()) {
              takenOver = r.getString(1);
              victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
          }
        }
      }
    }
    assertThat(takenOver).as("the worker to kill never held a job").isNotNull();

    awaitDecided(200, Duration.ofMinutes(5));
    assertEachDecidedOnce(digests);
    Set<String> completers = new HashSet<>();
    String victimPid = victim.pid() + "@";
    for (JsonNode j : get("/v1/jobs?limit=1000").get("jobs")) {
      completers.add(j.get("completedBy").asText().split("/")[0]);
      if (j.get("id").asText().equals(takenOver)) {
        assertThat(j.get("attempts").asInt()).as("the killed worker's job was claimed again").isGreaterThanOrEqualTo(2);
        assertThat(j.get("completedBy").asText()).doesNotStartWith(victimPid);
      }
    }
    assertThat(completers).as("the work was shared").hasSizeGreaterThanOrEqualTo(2);
  }
}
