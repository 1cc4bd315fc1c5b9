package dev.portcullis.server.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Someone with write access to the database, beside the server: drops the triggers, then edits, deletes, swaps or cuts records. */
final class Attacker implements AutoCloseable {
  private final Connection c;
  private final boolean postgres;

  private Attacker(Connection c, boolean postgres) {
    this.c = c;
    this.postgres = postgres;
  }

  static Attacker of(String jdbcUrl) throws SQLException {
    return new Attacker(DriverManager.getConnection(jdbcUrl), jdbcUrl.startsWith("jdbc:postgresql:"));
  }

  Attacker dropTriggers() throws SQLException {
    try (Statement s = c.createStatement()) {
      if (postgres) {
        for (String table : new String[] {"audit_records", "audit_checkpoints"}) {
          s.execute("DROP TRIGGER " + table + "_append_only ON " + table);
          s.execute("DROP TRIGGER " + table + "_no_truncate ON " + table);
        }
      } else {
        for (String table : new String[] {"audit_records", "audit_checkpoints"}) {
          s.execute("DROP TRIGGER " + table + "_no_update");
          s.execute("DROP TRIGGER " + table + "_no_delete");
        }
      }
    }
    return this;
  }

  int execute(String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      return s.executeUpdate();
    }
  }

  String hashOf(long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT hash FROM audit_records WHERE seq = ?")) {
      s.setLong(1, seq);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  /** Exchanges two records' places: each row keeps its content and takes the other's seq. */
  void swap(long a, long b) throws SQLException {
    execute("UPDATE audit_records SET seq = -1 WHERE seq = ?", a);
    execute("UPDATE audit_records SET seq = ? WHERE seq = ?", a, b);
    execute("UPDATE audit_records SET seq = ? WHERE seq = -1", b);
  }

  long count(String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
