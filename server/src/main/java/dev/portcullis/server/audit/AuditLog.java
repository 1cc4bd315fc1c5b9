package dev.portcullis.server.audit;

import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.key.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The tamper-evident audit trail in the server's database: records appended in one hash chain
 * ({@link AuditRecord}), never updated or deleted, with the chain head signed every
 * {@code checkpointEvery} records and on {@link #checkpoint()} and {@link #close()} ({@link Checkpoint}).
 * Thread-safe; any number of instances and processes may append to one database.
 *
 * <p>A record is durable once the transaction it was appended in commits: a process killed after
 * that keeps it, and the chain still verifies. Records after the last checkpoint are not signed, so
 * cutting them off is only noticed through the head row; call {@link #checkpoint()} at start to sign
 * a tail a crash left unsigned.
 */
public final class AuditLog implements AutoCloseable {
  /** Records between two checkpoints unless told otherwise. */
  public static final int DEFAULT_CHECKPOINT_EVERY = 100;
  /** The most records {@link #list} returns at once. */
  public static final int MAX_LIST = 1000;
  /** Longer filter values are refused. */
  public static final int MAX_FILTER_CHARS = 1000;
  /** Longer event fields are shortened to this many characters, the last one {@code …}. */
  public static final int MAX_ID_CHARS = 300;
  public static final int MAX_SOURCE_CHARS = 200;
  public static final int MAX_ACTION_CHARS = 200;
  public static final int MAX_TARGET_CHARS = 500;
  public static final int MAX_OUTCOME_CHARS = 100;
  public static final int MAX_REASON_CHARS = 2000;

  private final Store store;
  private final Optional<Signer> signer;
  private final int checkpointEvery;
  private final ReentrantLock appends = new ReentrantLock(true);
  // after a failed signature, the seq at which the next append tries again (so a dead KMS is not called on every append)
  private volatile long nextCheckpointAttempt;
  private volatile @Nullable String checkpointFailure;

  /**
   * @param signer the server's key, which signs checkpoints; empty: no checkpoints (verification says so)
   * @param checkpointEvery records between two checkpoints, 1 or more
   */
  public AuditLog(Store store, Optional<Signer> signer, int checkpointEvery) {
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("audit checkpoints every " + checkpointEvery + " records: must be 1 or more");
    }
    this.store = store;
    this.signer = signer;
    this.checkpointEvery = checkpointEvery;
  }

  /**
   * Appends {@code e} in a transaction of its own and returns its record, committed. Never call it
   * inside a transaction of the same database: use {@link #append(Connection, AuditEvent)} there.
   */
  public AuditRecord append(AuditEvent e) throws IOException {
    return append(e, c -> null);
  }

  /**
   * Appends {@code e} in a transaction of its own that first runs {@code with} (what the recorded
   * call wrote), so that both commit or neither does; returns the record, committed.
   */
  public AuditRecord append(AuditEvent e, Store.Work<?> with) throws IOException {
    appends.lock();
    try {
      return store.transaction(c -> {
        with.run(c);
        return append(c, e);
      });
    } finally {
      appends.unlock();
    }
  }

  /**
   * Appends {@code e} in the caller's transaction {@code c} (a connection of this log's {@link
   * Store}), so a state change and its record commit or roll back together. It locks the chain's
   * head row until that transaction ends.
   */
  public AuditRecord append(Connection c, AuditEvent e) throws SQLException {
    AuditTables.Head head = AuditTables.lockHead(c, store.dialect());
    Identity a = e.actor();
    AuditRecord r = AuditRecord.chained(head.seq() + 1, store.clock().instant(), bounded(a.id(), MAX_ID_CHARS), bounded(a.name(), MAX_ID_CHARS),
        a.kind().name().toLowerCase(Locale.ROOT), bounded(a.source(), MAX_SOURCE_CHARS), bounded(e.action(), MAX_ACTION_CHARS),
        bounded(e.target(), MAX_TARGET_CHARS), bounded(e.outcome(), MAX_OUTCOME_CHARS), bounded(e.reason(), MAX_REASON_CHARS), head.hash());
    AuditTables.insert(c, r);
    if (signer.isPresent() && r.seq() - head.checkpointSeq() >= checkpointEvery && r.seq() >= nextCheckpointAttempt) {
      try {
        AuditTables.insert(c, sign(signer.get(), r.seq(), r.hash()));
        checkpointFailure = null;
      } catch (IOException | RuntimeException failure) {
        // the record matters more than its checkpoint: keep it, try again checkpointEvery records later
        nextCheckpointAttempt = r.seq() + checkpointEvery;
        checkpointFailure = "sign audit checkpoint at record " + r.seq() + ": " + failure.getMessage();
      }
    }
    return r;
  }

  /** This log as the store's journal: decisions recorded with their actor as the store names it ({@link Identity#recorded}). */
  public Store.Journal journal() {
    return (c, actor, action, target, outcome, reason) -> append(c, new AuditEvent(Identity.recorded(actor), action, target, outcome, reason));
  }

  /**
   * Signs the chain head now, unless it is signed already. Empty when there is no signer, no record,
   * or nothing new to sign.
   */
  public Optional<Checkpoint> checkpoint() throws IOException {
    if (signer.isEmpty()) {
      return Optional.empty();
    }
    Signer s = signer.get();
    Optional<Checkpoint> made = store.transaction(c -> {
      AuditTables.Head head = AuditTables.lockHead(c, store.dialect());
      if (head.seq() == 0 || head.checkpointSeq() >= head.seq()) {
        return Optional.empty();
      }
      Checkpoint cp;
      try {
        cp = sign(s, head.seq(), head.hash());
      } catch (IOException e) {
        throw new SQLException("sign audit checkpoint at record " + head.seq() + " with " + s.keyId() + ": " + e.getMessage(), e);
      }
      AuditTables.insert(c, cp);
      return Optional.of(cp);
    });
    checkpointFailure = null;
    return made;
  }

  /** Why the last checkpoint an append tried could not be signed; empty once one succeeds. */
  public Optional<String> checkpointFailure() {
    return Optional.ofNullable(checkpointFailure);
  }

  private Checkpoint sign(Signer s, long seq, String hash) throws IOException {
    byte[] signature = s.sign(Canonical.checkpointPayload(seq, hash));
    return new Checkpoint(seq, hash, s.keyId(), Base64.getEncoder().encodeToString(signature), store.clock().instant());
  }

  /**
   * What to list: every set criterion must hold. {@code actor} is an identity's id or its name;
   * {@code action} is exact, or a prefix when it ends with {@code .} ({@code exception.} lists
   * {@code exception.approve}, ...); {@code target} is exact; {@code from} inclusive, {@code to}
   * exclusive; {@code beforeSeq} pages back from a record. Values match literally (no wildcards).
   */
  public record Filter(@Nullable String actor, @Nullable String action, @Nullable String target, @Nullable Instant from,
      @Nullable Instant to, @Nullable Long beforeSeq) {
    /** Everything. */
    public static final Filter ALL = new Filter(null, null, null, null, null, null);

    public Filter {
      for (String value : new String[] {actor, action, target}) {
        if (value != null && value.length() > MAX_FILTER_CHARS) {
          throw new IllegalArgumentException("an audit filter value is longer than " + MAX_FILTER_CHARS + " characters");
        }
      }
    }

    public Filter withActor(String v) {
      return new Filter(v, action, target, from, to, beforeSeq);
    }

    public Filter withAction(String v) {
      return new Filter(actor, v, target, from, to, beforeSeq);
    }

    public Filter withTarget(String v) {
      return new Filter(actor, action, v, from, to, beforeSeq);
    }

    public Filter between(@Nullable Instant fromInclusive, @Nullable Instant toExclusive) {
      return new Filter(actor, action, target, fromInclusive, toExclusive, beforeSeq);
    }

    public Filter before(long seq) {
      return new Filter(actor, action, target, from, to, seq);
    }
  }

  /** Records matching {@code f}, newest first, at most {@code limit} (1 to {@link #MAX_LIST}). */
  public List<AuditRecord> list(Filter f, int limit) throws IOException {
    if (limit < 1 || limit > MAX_LIST) {
      throw new IllegalArgumentException("audit list limit " + limit + ": must be 1 to " + MAX_LIST);
    }
    StringBuilder sql = new StringBuilder("SELECT seq, at, actor_id, actor_name, actor_kind, source, action, target, outcome, reason, prev, hash "
        + "FROM audit_records WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.actor() != null) {
      sql.append(" AND (actor_id = ? OR actor_name = ?)");
      args.add(f.actor());
      args.add(f.actor());
    }
    if (f.action() != null) {
      if (f.action().endsWith(".")) {
        // substr, not LIKE: a prefix holding % or _ matches literally
        sql.append(" AND substr(action, 1, ?) = ?");
        args.add(f.action().codePointCount(0, f.action().length()));
      } else {
        sql.append(" AND action = ?");
      }
      args.add(f.action());
    }
    if (f.target() != null) {
      sql.append(" AND target = ?");
      args.add(f.target());
    }
    if (f.from() != null) {
      sql.append(" AND at >= ?");
      args.add(f.from().toEpochMilli());
    }
    if (f.to() != null) {
      sql.append(" AND at < ?");
      args.add(f.to().toEpochMilli());
    }
    if (f.beforeSeq() != null) {
      sql.append(" AND seq < ?");
      args.add(f.beforeSeq());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add((long) limit);
    return store.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          if (args.get(i) instanceof Long n) {
            s.setLong(i + 1, n);
          } else if (args.get(i) instanceof Integer n) {
            s.setInt(i + 1, n);
          } else {
            s.setString(i + 1, (String) args.get(i));
          }
        }
        List<AuditRecord> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            Row row = AuditTables.row(r);
            try {
              out.add(new AuditRecord(row.seq(), Instant.ofEpochMilli(r.getLong(2)), row.actorId(), row.actorName(), row.actorKind(),
                  row.source(), row.action(), row.target(), row.outcome(), row.reason(), row.prev(), row.hash()));
            } catch (IllegalArgumentException e) {
              throw new SQLException(e.getMessage() + " (the database was changed by hand: run portcullis audit verify)", e);
            }
          }
        }
        return out;
      }
    });
  }

  /**
   * Checks the chain in the database, in bounded memory, up to the head as it is when called:
   * every hash and link, no gap, every checkpoint against its record and, when {@code trusted} is not
   * empty, its signature against those keys (a checkpoint of another key is a break).
   */
  public Verification verify(List<PublicKey> trusted) throws IOException {
    return AuditTables.verify(store::transaction, trusted);
  }

  /** Checks an {@link #export} as {@link #verify(List)} checks the database (no head row: only checkpoints show a cut tail). */
  public static Verification verify(InputStream jsonl, List<PublicKey> trusted) throws IOException {
    return ExportReader.verify(jsonl, trusted);
  }

  /**
   * Writes the chain up to the head as it is when called, as JSON Lines (UTF-8, each line ending in
   * {@code \n}): each record as its canonical form with {@code hash} added (keys sorted, so
   * {@code "hash"} comes after {@code "actorName"}), in seq order, and each checkpoint as
   * {@code {"checkpoint":{"hash":...,"keyId":...,"seq":N,"signature":...,"time":...}}} on the line
   * after the record it signs (when that record is missing, before the next record, or last). Does
   * not close {@code out}.
   */
  public void export(OutputStream out) throws IOException {
    AuditTables.export(store::transaction, out);
  }

  /** Signs the chain head (see {@link #checkpoint()}); records appended later wait for the next checkpoint. */
  @Override
  public void close() throws IOException {
    checkpoint();
  }

  /** Well-formed (an unpaired surrogate becomes ?) and at most {@code max} characters, the last … when cut. */
  static String bounded(String s, int max) {
    String wellFormed = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    if (wellFormed.length() <= max) {
      return wellFormed;
    }
    int cut = max - 1;
    if (Character.isLowSurrogate(wellFormed.charAt(cut)) && Character.isHighSurrogate(wellFormed.charAt(cut - 1))) {
      cut--;
    }
    return wellFormed.substring(0, cut) + "…";
  }
}
