package dev.portcullis.server.audit;

import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the audit tables (V6__audit.sql), shared by {@link AuditLog} and {@link AuditReader}. */
final class AuditTables {
  /** Records read per transaction when verifying or exporting, so a long chain never holds the database. */
  static final int CHUNK = 5_000;

  private static final String COLUMNS = "seq, at, actor_id, actor_name, actor_kind, source, action, target, outcome, reason, prev, hash";

  private AuditTables() {}

  /** Runs work in a transaction of its own. */
  @FunctionalInterface
  interface Transactions {
    <T> T run(Store.Work<T> work) throws IOException;
  }

  /** The head row: the last record's seq and hash, and the last signed seq. */
  record Head(long seq, String hash, long checkpointSeq) {}

  /** Locks the head row until the transaction ends, so appends of every process form one chain. */
  static Head lockHead(Connection c, Store.Dialect dialect) throws SQLException {
    if (dialect == Store.Dialect.SQLITE) {
      // a write first takes SQLite's write lock now, so another process waits here instead of forking the chain
      try (PreparedStatement s = c.prepareStatement("UPDATE audit_head SET seq = seq WHERE id = 1")) {
        s.executeUpdate();
      }
    }
    String lock = dialect == Store.Dialect.POSTGRESQL ? " FOR UPDATE" : "";
    try (PreparedStatement s = c.prepareStatement("SELECT seq, hash, checkpoint_seq FROM audit_head WHERE id = 1" + lock);
        ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("the audit trail's head row is missing (the database was changed by hand)");
      }
      return new Head(r.getLong(1), r.getString(2), r.getLong(3));
    }
  }

  static void insert(Connection c, AuditRecord r) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_records (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, r.seq());
      s.setLong(2, r.time().toEpochMilli());
      s.setString(3, r.actorId());
      s.setString(4, r.actorName());
      s.setString(5, r.actorKind());
      s.setString(6, r.source());
      s.setString(7, r.action());
      s.setString(8, r.target());
      s.setString(9, r.outcome());
      s.setString(10, r.reason());
      s.setString(11, r.prev());
      s.setString(12, r.hash());
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
      s.setLong(1, r.seq());
      s.setString(2, r.hash());
      s.executeUpdate();
    }
  }

  static void insert(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO audit_checkpoints (seq, hash, key_id, signature, at) VALUES (?, ?, ?, ?, ?)")) {
      s.setLong(1, cp.seq());
      s.setString(2, cp.hash());
      s.setString(3, cp.keyId());
      s.setString(4, cp.signature());
      s.setLong(5, cp.time().toEpochMilli());
      s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE audit_head SET checkpoint_seq = ? WHERE id = 1 AND checkpoint_seq < ?")) {
      s.setLong(1, cp.seq());
      s.setLong(2, cp.seq());
      s.executeUpdate();
    }
  }

  /**
   * How far a verification or export reads: the head row and the highest checkpoint, in one
   * statement so both come from one snapshot (a checkpoint beyond the head is itself a cut tail).
   */
  record Bounds(long headSeq, String headHash, long lastCheckpoint) {
    long end() {
      return Math.max(headSeq, lastCheckpoint);
    }
  }

  static Bounds bounds(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT h.seq, h.hash, (SELECT MAX(k.seq) FROM audit_checkpoints k) FROM audit_head h "
        + "WHERE h.id = 1"); ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("the audit trail's head row is missing (the database was changed by hand)");
      }
      return new Bounds(r.getLong(1), r.getString(2), r.getLong(3));
    }
  }

  static List<Row> rows(Connection c, long after, long upTo, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_records WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
      s.setLong(1, after);
      s.setLong(2, upTo);
      s.setInt(3, limit);
      List<Row> rows = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(row(r));
        }
      }
      return rows;
    }
  }

  static Row row(ResultSet r) throws SQLException {
    return new Row(r.getLong(1), Canonical.time(r.getLong(2)), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11), r.getString(12));
  }

  static List<Checkpoint> checkpoints(Connection c, long after, long upTo) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT seq, hash, key_id, signature, at FROM audit_checkpoints WHERE seq > ? AND seq <= ? "
        + "ORDER BY seq, key_id")) {
      s.setLong(1, after);
      s.setLong(2, upTo);
      List<Checkpoint> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          try {
            out.add(new Checkpoint(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), Instant.ofEpochMilli(r.getLong(5))));
          } catch (IllegalArgumentException e) {
            throw new SQLException("audit checkpoint " + r.getLong(1) + " is malformed: " + e.getMessage(), e);
          }
        }
      }
      return out;
    }
  }

  /** What a walk over the chain does with each record and checkpoint, in export order. */
  interface Visitor {
    void record(Row r) throws IOException;

    void checkpoint(Checkpoint c) throws IOException;

    /** Whether to go on. */
    default boolean more() {
      return true;
    }
  }

  /**
   * Walks the chain up to the end named at the start, {@link #CHUNK} records per transaction: each
   * checkpoint right after the record it signs, or, when that record is missing, before the next one
   * (or at the end).
   */
  static Bounds walk(Transactions tx, Visitor visitor) throws IOException {
    Bounds bounds = tx.run(AuditTables::bounds);
    long end = bounds.end();
    long after = 0;
    while (visitor.more()) {
      long from = after;
      List<Row> rows = tx.run(c -> rows(c, from, end, CHUNK));
      long chunkEnd = rows.size() < CHUNK ? end : rows.get(rows.size() - 1).seq();
      List<Checkpoint> cps = tx.run(c -> checkpoints(c, from, chunkEnd));
      int next = 0;
      for (Row r : rows) {
        while (next < cps.size() && cps.get(next).seq() < r.seq() && visitor.more()) {
          visitor.checkpoint(cps.get(next++));
        }
        if (!visitor.more()) {
          break;
        }
        visitor.record(r);
        while (next < cps.size() && cps.get(next).seq() == r.seq() && visitor.more()) {
          visitor.checkpoint(cps.get(next++));
        }
      }
      while (next < cps.size() && visitor.more()) {
        visitor.checkpoint(cps.get(next++));
      }
      if (rows.size() < CHUNK) {
        break;
      }
      after = chunkEnd;
    }
    return bounds;
  }

  static Verification verify(Transactions tx, List<PublicKey> trusted) throws IOException {
    ChainVerifier v = new ChainVerifier(trusted);
    Bounds bounds = walk(tx, new Visitor() {
      @Override
      public void record(Row r) {
        v.record(r);
      }

      @Override
      public void checkpoint(Checkpoint c) {
        v.checkpoint(c);
      }

      @Override
      public boolean more() {
        return !v.broken();
      }
    });
    return v.finish(new ChainVerifier.Head(bounds.headSeq(), bounds.headHash()));
  }

  static void export(Transactions tx, OutputStream out) throws IOException {
    walk(tx, new Visitor() {
      @Override
      public void record(Row r) throws IOException {
        out.write(Canonical.recordLine(r));
        out.write('\n');
      }

      @Override
      public void checkpoint(Checkpoint c) throws IOException {
        out.write(Canonical.checkpointLine(c));
        out.write('\n');
      }
    });
    out.flush();
  }
}
