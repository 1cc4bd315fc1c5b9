package dev.portcullis.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.audit.Verification.Verified;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.ChildJvm;
import dev.portcullis.testkit.Postgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL in the middle of a burst of appends: every record whose append
 * returned is there with the hash it was acknowledged with, and the chain verifies.
 */
class AuditCrashIT {
  @TempDir Path dir;

  @Test
  void onSqlite() throws Exception {
    Path data = dir.resolve("data");
    Map<Long, String> acked = killMidBurst("sqlite", data.toString());
    try (Store store = Store.sqlite(data, Clock.systemUTC())) {
      assertSurvived(store, acked);
    }
  }

  @Test
  void onPostgres() throws Exception {
    try (Postgres postgres = Postgres.start()) {
      String url = postgres.createDatabase("crash");
      Map<Long, String> acked = killMidBurst("postgres", url);
      try (Store store = Store.postgres(url, null, null, 2, Clock.systemUTC())) {
        assertSurvived(store, acked);
      }
    }
  }

  /** Starts the child, kills it with SIGKILL after 300 acknowledgements; the acknowledged seqs and hashes. */
  private static Map<Long, String> killMidBurst(String kind, String where) throws Exception {
    List<String> command = ChildJvm.command(List.of("-Xmx128m"), AuditChildMain.class.getName(), List.of(kind, where));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Map<Long, String> acked = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        assertThat(line).doesNotStartWith("ERROR");
        assertThat(line).as("the burst ended before the kill").isNotEqualTo("DONE");
        String[] parts = line.split(" ");
        acked.put(Long.parseLong(parts[1]), parts[2]);
        if (acked.size() == 300) {
          p.destroyForcibly();
          break;
        }
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).isEqualTo(137);
    assertThat(acked).hasSize(300);
    return acked;
  }

  private static void assertSurvived(Store store, Map<Long, String> acked) throws Exception {
    AuditLog log = new AuditLog(store, Optional.empty(), 50);
    Verification v = log.verify(List.of());
    assertThat(v).as(v.summary()).isInstanceOf(Verified.class);
    long records = ((Verified) v).records();
    assertThat(records).isGreaterThanOrEqualTo(300).isLessThan(1000);
    Map<Long, String> stored = new HashMap<>();
    for (AuditRecord r : log.list(AuditLog.Filter.ALL, 1000)) {
      stored.put(r.seq(), r.hash());
    }
    acked.forEach((seq, hash) -> assertThat(stored.get(seq)).as("record " + seq).isEqualTo(hash));
    // the server that starts again extends the same chain
    AuditRecord next = log.append(AuditLogContract.event(1));
    assertThat(next.seq()).isEqualTo(records + 1);
    assertThat(log.verify(List.of())).isInstanceOf(Verified.class);
  }
}
