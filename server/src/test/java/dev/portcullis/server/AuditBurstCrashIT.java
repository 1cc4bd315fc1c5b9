package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.audit.AuditRecord;
import dev.portcullis.server.audit.Verification;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.ChildJvm;
import dev.portcullis.testkit.RegistryProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL in the middle of a burst of 1,000 audited API calls (bounded:
 * 8 clients on loopback): every call that was answered 2xx has its record in the audit trail, the
 * chain verifies, and the restarted server continues it.
 */
class AuditBurstCrashIT {
  private static final int CALLS = 1000;
  private static final int KILL_AFTER = 300;

  @TempDir Path dir;
  private Process child;

  @AfterEach
  void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private Process start(Path config) throws Exception {
    Process p = new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m"), ServerChildMain.class.getName(), List.of(config.toString())))
        .redirectErrorStream(true).start();
    CountDownLatch started = new CountDownLatch(1);
    Path log = dir.resolve("server-" + p.pid() + ".log");
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          if (line.equals("STARTED")) {
            started.countDown();
          }
        }
      } catch (IOException e) {
        // the process was killed
      }
    });
    assertThat(started.await(60, TimeUnit.SECONDS)).as("the server started; its log: " + log).isTrue();
    return p;
  }

  @Test
  void everyAcknowledgedCallHasItsRecordAfterAKill() throws Exception {
    int port = RegistryProcess.freePort();
    ServerFixtures.keyPair(dir);
    Path config = ServerFixtures.offlineConfig(dir, port, """
        signing:
          key: server.key""");
    child = start(config);
    ApiClient developer = ApiClient.withToken(port, ServerFixtures.token(port, "burst", List.of("developer:**")));
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger answered = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(KILL_AFTER);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    for (int i = 0; i < CALLS; i++) {
      int n = i;
      clients.execute(() -> {
        try {
          ApiClient.Answer a = developer.post("/v1/exceptions", """
              {"finding":"CVE-2024-%d","image":"team/app","justification":"burst call %d","expires":"2099-12-31"}""".formatted(10000 + n, n));
          if (a.status() / 100 == 2) {
            acknowledged.add("exception:" + a.json().get("id").asText());
            answered.incrementAndGet();
            enough.countDown();
          }
        } catch (IOException | InterruptedException e) {
          // the server is gone: this call was not acknowledged
        }
      });
    }
    assertThat(enough.await(120, TimeUnit.SECONDS)).as("300 calls were answered").isTrue();
    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    clients.shutdown();
    assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER).hasSizeLessThan(CALLS);

    Path data = dir.resolve("data");
    try (Store store = Store.sqlite(data, Clock.systemUTC())) {
      AuditLog audit = new AuditLog(store, Optional.empty(), AuditLog.DEFAULT_CHECKPOINT_EVERY);
      Set<String> recorded = new HashSet<>();
      Long before = null;
      while (true) {
        List<AuditRecord> page = audit.list(AuditLog.Filter.ALL.withAction("requestException")
            .before(before == null ? Long.MAX_VALUE : before), AuditLog.MAX_LIST);
        page.stream().filter(r -> r.outcome().equals("success")).forEach(r -> recorded.add(r.target()));
        if (page.size() < AuditLog.MAX_LIST) {
          break;
        }
        before = page.get(page.size() - 1).seq();
      }
      assertThat(recorded).containsAll(acknowledged);
      Verification v = audit.verify(List.of(dev.portcullis.sign.key.PublicKeys.read(dir.resolve("server.pub"))));
      assertThat(v).as(v.summary()).isInstanceOf(Verification.Verified.class);
    }
    // the restarted server signs the unsigned tail and goes on with the chain
    child = start(config);
    ApiClient auditor = ApiClient.withToken(port, ServerFixtures.token(port, "auditor", List.of("auditor:**")));
    assertThat(auditor.get("/v1/audit/verify").json().get("verified").asBoolean()).isTrue();
  }
}
