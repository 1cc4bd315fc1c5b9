package dev.portcullis.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.audit.Verification.Broken;
import dev.portcullis.server.audit.Verification.Tampering;
import dev.portcullis.server.audit.Verification.Verified;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.key.Signer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log on SQLite, and its exports tampered with line by line. */
class AuditLogTest extends AuditLogContract {
  private static final AtomicInteger DIRS = new AtomicInteger();

  @TempDir Path dir;

  @Override
  Store newStore() throws IOException {
    return Store.sqlite(dir.resolve("data" + DIRS.incrementAndGet()), Clock.systemUTC());
  }

  @Override
  Store sameDatabase(Store store) throws IOException {
    return Store.sqlite(dataDir(store), Clock.systemUTC());
  }

  @Override
  String jdbcUrl(Store store) {
    return "jdbc:sqlite:" + dataDir(store).resolve("server.db");
  }

  /** The stores of this test are opened in order, so the newest data directory is the one a store was opened on. */
  private Path dataDir(Store store) {
    try (var dirs = Files.list(dir)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("data")).max((a, b) -> Integer.compare(number(a), number(b)))
          .orElseThrow();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int number(Path d) {
    return Integer.parseInt(d.getFileName().toString().substring(4));
  }

  @Test
  void theCanonicalFormIsRfc8785AndItsHashIsReproducibleElsewhere() {
    AuditRecord r = AuditRecord.chained(1, Instant.parse("2025-01-31T12:00:00.120456Z"), "user:alice", "Alice Ø", "user", "127.0.0.1",
        "exception.approve", "registry/app@sha256:ab", "success", "line\nbreak \u0001 \"quoted\" back\\slash / é 😀 \u007f",
        AuditRecord.GENESIS);
    assertThat(new String(r.canonicalJson(), StandardCharsets.UTF_8)).isEqualTo("{\"action\":\"exception.approve\",\"actorId\":\"user:alice\","
        + "\"actorKind\":\"user\",\"actorName\":\"Alice Ø\",\"outcome\":\"success\",\"prev\":\"" + "0".repeat(64) + "\",\"reason\":"
        + "\"line\\nbreak \\u0001 \\\"quoted\\\" back\\\\slash / é 😀 \u007f\",\"seq\":1,\"source\":\"127.0.0.1\","
        + "\"target\":\"registry/app@sha256:ab\",\"time\":\"2025-01-31T12:00:00.120Z\"}");
    // computed with Python: json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False), then hashlib.sha256
    assertThat(r.hash()).isEqualTo("c223dccedf5cf68f34b8dd34aa80abce3736a44262f3d8bed6d541faad7e0f97");
    assertThat(r.intact()).isTrue();
  }

  @Test
  void longAndMalformedEventFieldsAreBoundedAndWellFormed() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.empty(), 100);
    AuditRecord r = log.append(new AuditEvent(Identity.user("mallory", List.of(), "::1"), "policy.edit", "t".repeat(10_000),
        "success", "half a pair \uD800 then more"));
    assertThat(r.target()).hasSize(AuditLog.MAX_TARGET_CHARS).endsWith("t…");
    assertThat(r.reason()).isEqualTo("half a pair ? then more");
    assertThat(AuditLog.bounded("ab😀", 3)).isEqualTo("ab…");
    assertThat(log.verify(List.of())).isInstanceOf(Verified.class);
  }

  @Test
  void aSignerThatFailsLosesNoRecordAndIsReported() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Signer broken = new Signer() {
      @Override
      public PublicKey publicKey() {
        return SERVER_KEY.publicKey();
      }

      @Override
      public byte[] sign(byte[] message) throws IOException {
        attempts.incrementAndGet();
        throw new IOException("vault transit: 503");
      }
    };
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.of(broken), 2);
    for (int i = 1; i <= 5; i++) {
      log.append(event(i));
    }
    // tried at record 2, then again two records later, not on every append
    assertThat(attempts).hasValue(2);
    assertThat(log.checkpointFailure()).contains("sign audit checkpoint at record 4: vault transit: 503");
    assertThat(log.list(AuditLog.Filter.ALL, 10)).hasSize(5);
    Verification v = log.verify(List.of());
    assertThat(v).isInstanceOf(Verified.class);
    assertThat(((Verified) v).records()).isEqualTo(5);
  }

  @Test
  void checkpointSignsTheHeadOnceAndOnlyWhenThereIsSomethingNew() throws Exception {
    Store store = chain(3, Optional.of(SERVER_KEY), 100);
    AuditLog log = new AuditLog(store, Optional.of(SERVER_KEY), 100);
    Checkpoint c = log.checkpoint().orElseThrow();
    assertThat(c.seq()).isEqualTo(3);
    assertThat(c.keyId()).isEqualTo(SERVER_KEY.keyId());
    assertThat(new String(c.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"hash\":\"" + c.hash()
        + "\",\"seq\":3,\"type\":\"portcullis-audit-checkpoint/v1\"}");
    assertThat(log.checkpoint()).isEmpty();
    log.close();
    assertThat(new AuditLog(track(newStore()), Optional.of(SERVER_KEY), 100).checkpoint()).isEmpty();
  }

  /** A clean export of 50 records with a checkpoint every 10, as lines. */
  private List<String> exportLines() throws Exception {
    Store store = chain(50, Optional.of(SERVER_KEY), 10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AuditLog(store, Optional.empty(), 10).export(out);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return new ArrayList<>(text.lines().toList());
  }

  private static Verification verifyLines(List<String> lines) throws IOException {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    return AuditLog.verify(new ByteArrayInputStream(bytes), List.of(SERVER_KEY.publicKey()));
  }

  private static int lineOf(List<String> lines, long seq) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"seq\":" + seq + ",\"source\"")) {
        return i;
      }
    }
    throw new AssertionError("no record " + seq);
  }

  private static void assertBroken(Verification v, long seq, Tampering tampering) {
    assertThat(v).as(v.summary()).isInstanceOf(Broken.class);
    assertThat(((Broken) v).seq()).as(v.summary()).isEqualTo(seq);
    assertThat(((Broken) v).tampering()).as(v.summary()).isEqualTo(tampering);
  }

  @Test
  void anExportHasOneRecordPerLineInSeqOrderWithEachCheckpointAfterItsRecord() throws Exception {
    List<String> lines = exportLines();
    assertThat(lines).hasSize(55);
    assertThat(lines.get(0)).startsWith("{\"action\":").contains("\"hash\":").contains("\"seq\":1,");
    assertThat(lines.get(10)).startsWith("{\"checkpoint\":{\"hash\":").contains("\"seq\":10,").contains("\"keyId\":\"" + SERVER_KEY.keyId());
    assertThat(lines.get(54)).startsWith("{\"checkpoint\":").contains("\"seq\":50,");
    assertThat(verifyLines(lines)).isInstanceOf(Verified.class);
  }

  @Test
  void tamperingWithAnExportIsNamed() throws Exception {
    List<String> clean = exportLines();
    assertBroken(verifyLines(edit(clean, l -> {
      int i = lineOf(l, 17);
      l.set(i, l.get(i).replace("\"outcome\":\"success\"", "\"outcome\":\"denied\""));
      return l;
    })), 17, Tampering.EDITED);
    assertBroken(verifyLines(edit(clean, l -> {
      l.remove(lineOf(l, 23));
      return l;
    })), 23, Tampering.DELETED);
    assertBroken(verifyLines(edit(clean, l -> {
      l.remove(lineOf(l, 23));
      l.remove(lineOf(l, 24));
      return l;
    })), 23, Tampering.DELETED);
    assertBroken(verifyLines(edit(clean, l -> {
      Collections.swap(l, lineOf(l, 31), lineOf(l, 32));
      return l;
    })), 31, Tampering.REORDERED);
    assertBroken(verifyLines(edit(clean, l -> {
      Collections.swap(l, lineOf(l, 12), lineOf(l, 38));
      return l;
    })), 12, Tampering.REORDERED);
    // the last ten records cut off, their checkpoint kept (it is the evidence)
    assertBroken(verifyLines(edit(clean, l -> {
      List<String> cut = new ArrayList<>(l.subList(0, lineOf(l, 40) + 2));
      cut.add(l.get(l.size() - 1));
      return cut;
    })), 41, Tampering.TRUNCATED);
    assertBroken(verifyLines(edit(clean, l -> {
      int i = lineOf(l, 20) + 1;
      l.set(i, l.get(i).replaceFirst("\"signature\":\"[A-Za-z0-9+/]{4}", "\"signature\":\"AAAA"));
      return l;
    })), 20, Tampering.BAD_SIGNATURE);
    assertBroken(verifyLines(edit(clean, l -> {
      l.set(lineOf(l, 5), "{\"seq\":5}");
      return l;
    })), 5, Tampering.MALFORMED);
    assertBroken(verifyLines(edit(clean, l -> {
      int i = lineOf(l, 5);
      l.set(i, l.get(i).substring(0, l.get(i).length() - 1) + ",\"seq\":6}");
      return l;
    })), 5, Tampering.MALFORMED);
    assertBroken(verifyLines(edit(clean, l -> {
      l.add(lineOf(l, 9), "x".repeat(ExportReader.MAX_LINE_BYTES + 1));
      return l;
    })), 9, Tampering.MALFORMED);
    assertThat(AuditLog.verify(new ByteArrayInputStream(new byte[0]), List.of())).isEqualTo(new Verified(0, AuditRecord.GENESIS, 0, 0, false));
  }

  private static List<String> edit(List<String> lines, UnaryOperator<List<String>> change) {
    return change.apply(new ArrayList<>(lines));
  }

  @Test
  void anExportOfACutDatabaseStillShowsTheCut() throws Exception {
    Store store = chain(25, Optional.of(SERVER_KEY), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      a.execute("DELETE FROM audit_records WHERE seq > 15");
      a.execute("UPDATE audit_head SET seq = 15, hash = ?, checkpoint_seq = 10", a.hashOf(15));
    }
    Verification v = exported(store, List.of(SERVER_KEY.publicKey()));
    assertBroken(v, 16, Tampering.TRUNCATED);
  }

  @Test
  void aHeadThatNamesMoreRecordsThanThereAreIsACutEvenWithoutASigner() throws Exception {
    Store store = chain(25, Optional.empty(), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      a.execute("DELETE FROM audit_records WHERE seq > 15");
    }
    Verification v = new AuditLog(store, Optional.empty(), 10).verify(List.of());
    assertBroken(v, 16, Tampering.TRUNCATED);
    assertThat(v.summary()).contains("the database's head names record 25");
  }
}
