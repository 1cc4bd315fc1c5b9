package dev.portcullis.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.audit.Verification.Broken;
import dev.portcullis.server.audit.Verification.Tampering;
import dev.portcullis.server.audit.Verification.Verified;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Signer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an audit log keeps on any database: one verifiable chain, append-only, and every tampering named. */
abstract class AuditLogContract {
  static final Signer SERVER_KEY = signer();
  static final Signer OTHER_KEY = signer();

  private final List<AutoCloseable> open = new ArrayList<>();

  /** A new, empty database. */
  abstract Store newStore() throws Exception;

  /** Another store on the database {@code store} uses, as another server process would open it. */
  abstract Store sameDatabase(Store store) throws Exception;

  /** A JDBC URL for a connection of its own to the database {@code store} uses. */
  abstract String jdbcUrl(Store store);

  static Signer signer() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return LocalSigner.of(g.generateKeyPair().getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  static AuditEvent event(int i) {
    Identity who = i % 3 == 0 ? Identity.actor("scanner") : Identity.user("user" + (i % 5), List.of(), "10.0.0." + (i % 7));
    return new AuditEvent(who, i % 2 == 0 ? "scan.decide" : "exception.approve", "registry/app@sha256:" + i, "success", "event " + i);
  }

  /** A store with {@code n} records, checkpointed every {@code every}. */
  Store chain(int n, Optional<Signer> signer, int every) throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, signer, every);
    for (int i = 1; i <= n; i++) {
      assertThat(log.append(event(i)).seq()).isEqualTo(i);
    }
    return store;
  }

  static Verification exported(Store store, List<PublicKey> trusted) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AuditLog(store, Optional.empty(), 1).export(out);
    return AuditLog.verify(new ByteArrayInputStream(out.toByteArray()), trusted);
  }

  /** The same break, in the database and in an export of it. */
  static void assertBroken(Store store, long seq, Tampering tampering) throws Exception {
    List<PublicKey> trusted = List.of(SERVER_KEY.publicKey());
    Verification inDatabase = new AuditLog(store, Optional.empty(), 1).verify(trusted);
    assertThat(inDatabase).isInstanceOf(Broken.class);
    assertThat(((Broken) inDatabase).seq()).as(inDatabase.summary()).isEqualTo(seq);
    assertThat(((Broken) inDatabase).tampering()).as(inDatabase.summary()).isEqualTo(tampering);
    assertThat(inDatabase.summary()).startsWith("record " + seq + ": ").doesNotContain("\n");
    Verification inExport = exported(store, trusted);
    assertThat(inExport).as(inExport.summary()).isInstanceOf(Broken.class);
    assertThat(((Broken) inExport).seq()).as(inExport.summary()).isEqualTo(seq);
    assertThat(((Broken) inExport).tampering()).as(inExport.summary()).isEqualTo(tampering);
  }

  @Test
  void aChainOfFiftyRecordsVerifiesInTheDatabaseAndInItsExport() throws Exception {
    Store store = chain(50, Optional.of(SERVER_KEY), 10);
    AuditLog log = new AuditLog(store, Optional.empty(), 10);
    for (Verification v : List.of(log.verify(List.of(SERVER_KEY.publicKey())), exported(store, List.of(SERVER_KEY.publicKey())))) {
      assertThat(v).as(v.summary()).isInstanceOf(Verified.class);
      Verified ok = (Verified) v;
      assertThat(ok.records()).isEqualTo(50);
      assertThat(ok.checkpoints()).isEqualTo(5);
      assertThat(ok.signedThrough()).isEqualTo(50);
      assertThat(ok.signaturesChecked()).isTrue();
      assertThat(ok.head()).isEqualTo(log.list(AuditLog.Filter.ALL, 1).get(0).hash());
    }
    List<AuditRecord> all = log.list(AuditLog.Filter.ALL, 1000);
    assertThat(all).hasSize(50).allMatch(AuditRecord::intact);
    assertThat(all.get(0).seq()).isEqualTo(50);
    for (int i = 0; i < 49; i++) {
      assertThat(all.get(i).prev()).isEqualTo(all.get(i + 1).hash());
    }
    assertThat(all.get(49).prev()).isEqualTo(AuditRecord.GENESIS);
  }

  @Test
  void theRecordsOfAnIdentityAndTheEventAreKept() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.empty(), 100);
    AuditRecord r = log.append(new AuditEvent(Identity.token("t1", "ci", "alice", List.of(), "192.0.2.7"), "promotion.request",
        "registry/app:1", "denied", "no grant for prod"));
    assertThat(log.list(AuditLog.Filter.ALL, 10)).containsExactly(r);
    assertThat(r).extracting(AuditRecord::actorId, AuditRecord::actorName, AuditRecord::actorKind, AuditRecord::source, AuditRecord::action,
        AuditRecord::target, AuditRecord::outcome, AuditRecord::reason, AuditRecord::prev)
        .containsExactly("token:t1", "ci", "token", "192.0.2.7", "promotion.request", "registry/app:1", "denied", "no grant for prod",
            AuditRecord.GENESIS);
  }

  @Test
  void anEditedFieldIsNamed() throws Exception {
    Store store = chain(50, Optional.of(SERVER_KEY), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      assertThat(a.execute("UPDATE audit_records SET outcome = 'denied' WHERE seq = 17")).isEqualTo(1);
    }
    assertBroken(store, 17, Tampering.EDITED);
  }

  @Test
  void anEditWithItsHashRecomputedBreaksTheNextLink() throws Exception {
    Store store = chain(50, Optional.empty(), 10);
    AuditRecord r = new AuditLog(store, Optional.empty(), 10).list(AuditLog.Filter.ALL.before(18), 1).get(0);
    AuditRecord forged = AuditRecord.chained(r.seq(), r.time(), r.actorId(), r.actorName(), r.actorKind(), r.source(), r.action(), r.target(),
        "denied", r.reason(), r.prev());
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      a.execute("UPDATE audit_records SET outcome = ?, hash = ? WHERE seq = 17", forged.outcome(), forged.hash());
    }
    assertBroken(store, 18, Tampering.REORDERED);
  }

  @Test
  void aDeletedRecordIsNamed() throws Exception {
    Store store = chain(50, Optional.of(SERVER_KEY), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      assertThat(a.execute("DELETE FROM audit_records WHERE seq = 23")).isEqualTo(1);
    }
    assertBroken(store, 23, Tampering.DELETED);
  }

  @Test
  void twoSwappedRecordsAreNamed() throws Exception {
    Store store = chain(50, Optional.of(SERVER_KEY), 10);
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      a.swap(12, 40);
    }
    assertBroken(store, 12, Tampering.REORDERED);
  }

  @Test
  void cuttingOffTheLastTenAfterACheckpointOnCloseIsNamed() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.of(SERVER_KEY), 100);
    for (int i = 1; i <= 50; i++) {
      log.append(event(i));
    }
    log.close();
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      String hash40 = a.hashOf(40);
      assertThat(a.execute("DELETE FROM audit_records WHERE seq > 40")).isEqualTo(10);
      // a careful attacker also winds the head back
      a.execute("UPDATE audit_head SET seq = 40, hash = ?, checkpoint_seq = 40", hash40);
    }
    assertBroken(store, 41, Tampering.TRUNCATED);
    assertThat(new AuditLog(store, Optional.empty(), 1).verify(List.of()).summary()).contains("checkpoint signed by " + SERVER_KEY.keyId());
  }

  @Test
  void withoutASignerThereAreNoCheckpointsAndVerificationSaysSo() throws Exception {
    Store store = chain(20, Optional.empty(), 5);
    AuditLog log = new AuditLog(store, Optional.empty(), 5);
    assertThat(log.checkpoint()).isEmpty();
    Verification v = log.verify(List.of(SERVER_KEY.publicKey()));
    assertThat(v).isInstanceOf(Verified.class);
    assertThat(((Verified) v).checkpoints()).isZero();
    assertThat(v.summary()).isEqualTo("audit chain intact: 20 records, head " + ((Verified) v).head()
        + "; no signed checkpoint, so a cut-off tail would not be detected");
  }

  @Test
  void theTriggersRefuseUpdateAndDelete() throws Exception {
    Store store = chain(5, Optional.of(SERVER_KEY), 5);
    try (Attacker a = Attacker.of(jdbcUrl(store))) {
      for (String sql : List.of("UPDATE audit_records SET reason = 'nothing' WHERE seq = 2", "DELETE FROM audit_records WHERE seq = 5",
          "DELETE FROM audit_records", "UPDATE audit_checkpoints SET hash = 'x'", "DELETE FROM audit_checkpoints")) {
        assertThatThrownBy(() -> a.execute(sql)).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
      }
      assertThat(a.count("audit_records")).isEqualTo(5);
      assertThat(a.count("audit_checkpoints")).isEqualTo(1);
    }
    assertThat(new AuditLog(store, Optional.empty(), 1).verify(List.of(SERVER_KEY.publicKey()))).isInstanceOf(Verified.class);
  }

  @Test
  void checkpointsAreSignedAndAnotherKeyIsNamed() throws Exception {
    Store store = chain(30, Optional.of(SERVER_KEY), 10);
    AuditLog log = new AuditLog(store, Optional.empty(), 10);
    Verification wrongKey = log.verify(List.of(OTHER_KEY.publicKey()));
    assertThat(wrongKey).isEqualTo(new Broken(10, Tampering.BAD_SIGNATURE, "its checkpoint is signed by " + SERVER_KEY.keyId()
        + ", not by a trusted key"));
    assertThat(exported(store, List.of(OTHER_KEY.publicKey()))).isEqualTo(wrongKey);
    Verification unchecked = log.verify(List.of());
    assertThat(unchecked.summary()).contains("3 checkpoints, signed through record 30 (signatures not checked: no trusted key given)");

    // a checkpoint forged under the server's key id
    AuditLog forger = new AuditLog(store, Optional.of(OTHER_KEY), 1000);
    forger.append(event(31));
    String hash31 = log.list(AuditLog.Filter.ALL, 1).get(0).hash();
    try (Attacker a = Attacker.of(jdbcUrl(store)).dropTriggers()) {
      String signature = java.util.Base64.getEncoder().encodeToString(OTHER_KEY.sign(new Checkpoint(31, hash31, "k", "", java.time.Instant.EPOCH)
          .payload()));
      a.execute("INSERT INTO audit_checkpoints (seq, hash, key_id, signature, at) VALUES (31, ?, ?, ?, 0)", hash31, SERVER_KEY.keyId(), signature);
    }
    Verification forged = log.verify(List.of(SERVER_KEY.publicKey()));
    assertThat(forged).isInstanceOf(Broken.class);
    assertThat(((Broken) forged).seq()).isEqualTo(31);
    assertThat(((Broken) forged).tampering()).isEqualTo(Tampering.BAD_SIGNATURE);
  }

  @Test
  void concurrentAppendsMakeOneChainWithoutGaps() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.of(SERVER_KEY), 100);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          List<Long> seqs = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            seqs.add(log.append(event(thread * 1000 + i)).seq());
          }
          return seqs;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : futures) {
        all.addAll(f.get(5, TimeUnit.MINUTES));
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(1600).allMatch(s -> s >= 1 && s <= 1600);
    } finally {
      pool.shutdownNow();
    }
    Verification v = log.verify(List.of(SERVER_KEY.publicKey()));
    assertThat(v).as(v.summary()).isEqualTo(new Verified(1600, log.list(AuditLog.Filter.ALL, 1).get(0).hash(), 16, 1600, true));
  }

  @Test
  void twoLogsOnOneDatabaseAsTwoProcessesKeepOneChain() throws Exception {
    Store first = track(newStore());
    Store second = track(sameDatabase(first));
    List<AuditLog> logs = List.of(new AuditLog(first, Optional.of(SERVER_KEY), 50), new AuditLog(second, Optional.of(OTHER_KEY), 50));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        AuditLog log = logs.get(t % 2);
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            log.append(event(thread * 1000 + i));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    Verification v = logs.get(0).verify(List.of(SERVER_KEY.publicKey(), OTHER_KEY.publicKey()));
    assertThat(v).as(v.summary()).isInstanceOf(Verified.class);
    assertThat(((Verified) v).records()).isEqualTo(400);
    assertThat(((Verified) v).checkpoints()).isEqualTo(8);
  }

  @Test
  void filtersMatchTheirValuesLiterally() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.empty(), 100);
    Identity alice = Identity.user("alice", List.of(), "");
    Identity hostile = Identity.user("' OR 1=1 --", List.of(), "");
    for (String target : List.of("' OR 1=1 --", "%", "_", "a%b", "axb", "ab")) {
      log.append(new AuditEvent(alice, "policy.edit", target, "success", ""));
    }
    log.append(new AuditEvent(hostile, "exception.approve", "x", "success", ""));
    log.append(new AuditEvent(alice, "exception.reject", "x", "success", ""));
    log.append(new AuditEvent(alice, "exceptionXreject", "x", "success", ""));
    log.append(new AuditEvent(alice, "exception%.request", "x", "success", ""));

    assertThat(targets(log, AuditLog.Filter.ALL.withTarget("' OR 1=1 --"))).containsExactly("' OR 1=1 --");
    assertThat(targets(log, AuditLog.Filter.ALL.withTarget("%"))).containsExactly("%");
    assertThat(targets(log, AuditLog.Filter.ALL.withTarget("_"))).containsExactly("_");
    assertThat(targets(log, AuditLog.Filter.ALL.withTarget("a_b"))).isEmpty();
    assertThat(actions(log, AuditLog.Filter.ALL.withAction("exception."))).containsExactly("exception.reject", "exception.approve");
    assertThat(actions(log, AuditLog.Filter.ALL.withAction("exception%."))).containsExactly("exception%.request");
    assertThat(actions(log, AuditLog.Filter.ALL.withAction("exception_."))).isEmpty();
    assertThat(actions(log, AuditLog.Filter.ALL.withAction("%"))).isEmpty();
    assertThat(actions(log, AuditLog.Filter.ALL.withAction("' OR 1=1 --"))).isEmpty();
    assertThat(actions(log, AuditLog.Filter.ALL.withActor("' OR 1=1 --"))).containsExactly("exception.approve");
    assertThat(actions(log, AuditLog.Filter.ALL.withActor("user:' OR 1=1 --"))).containsExactly("exception.approve");
    assertThat(log.list(AuditLog.Filter.ALL.withActor("user:alice").withAction("policy.edit"), 1000)).hasSize(6);
    assertThat(log.list(AuditLog.Filter.ALL.withActor("%"), 1000)).isEmpty();
    assertThat(log.list(AuditLog.Filter.ALL, 3)).extracting(AuditRecord::seq).containsExactly(10L, 9L, 8L);
    assertThat(log.list(AuditLog.Filter.ALL.before(8), 2)).extracting(AuditRecord::seq).containsExactly(7L, 6L);
    java.time.Instant now = store.clock().instant();
    assertThat(log.list(AuditLog.Filter.ALL.between(now.plusSeconds(60), null), 1000)).isEmpty();
    assertThat(log.list(AuditLog.Filter.ALL.between(now.minusSeconds(600), now.plusSeconds(60)), 1000)).hasSize(10);
    assertThatThrownBy(() -> log.list(AuditLog.Filter.ALL, 1001)).isInstanceOf(IllegalArgumentException.class).hasMessage(
        "audit list limit 1001: must be 1 to 1000");
  }

  private static List<String> targets(AuditLog log, AuditLog.Filter f) throws Exception {
    return log.list(f, 1000).stream().map(AuditRecord::target).toList();
  }

  private static List<String> actions(AuditLog log, AuditLog.Filter f) throws Exception {
    return log.list(f, 1000).stream().map(AuditRecord::action).toList();
  }

  @Test
  void appendingInTheCallersTransactionCommitsAndRollsBackWithIt() throws Exception {
    Store store = track(newStore());
    AuditLog log = new AuditLog(store, Optional.empty(), 100);
    AuditEvent e = event(1);
    assertThatThrownBy(() -> store.transaction(c -> {
      log.append(c, e);
      throw new IllegalStateException("the state change failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(log.list(AuditLog.Filter.ALL, 10)).isEmpty();
    AuditRecord r = store.transaction(c -> {
      log.append(c, e);
      return log.append(c, event(2));
    });
    assertThat(r.seq()).isEqualTo(2);
    assertThat(log.verify(List.of())).isInstanceOf(Verified.class);
  }
}
