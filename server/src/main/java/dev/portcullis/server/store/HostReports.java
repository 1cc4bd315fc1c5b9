package dev.portcullis.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The host benchmark reports hosts sent ({@code portcullis host --server}), newest kept beside the older ones. */
public final class HostReports {
  private final Store store;

  HostReports(Store store) {
    this.store = store;
  }

  /**
   * One report as stored: its counts and the score the server computed ({@code score} and {@code
   * grade} null when no applicable automated check ran).
   */
  public record Summary(String id, String host, String mode, @Nullable Integer score, @Nullable String grade, int passed, int failed, int errors,
      int notApplicable, int manual, long receivedAt) {}

  /** Stores a report under {@code id} in the caller's transaction. */
  public void add(Connection c, String id, Summary s, String report) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO host_reports (id, host, mode, score, grade, passed, failed, errors, not_applicable, "
        + "manual, received_at, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, id);
      p.setString(2, s.host());
      p.setString(3, s.mode());
      if (s.score() == null) {
        p.setNull(4, java.sql.Types.INTEGER);
      } else {
        p.setInt(4, s.score());
      }
      p.setString(5, s.grade());
      p.setInt(6, s.passed());
      p.setInt(7, s.failed());
      p.setInt(8, s.errors());
      p.setInt(9, s.notApplicable());
      p.setInt(10, s.manual());
      p.setLong(11, s.receivedAt());
      p.setString(12, report);
      p.executeUpdate();
    }
  }

  /** Each host's latest report, hosts by name; at most {@code limit}. */
  public List<Summary> latest(int limit) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement p = c.prepareStatement(SELECT + "FROM host_reports r WHERE r.received_at = "
          + "(SELECT MAX(o.received_at) FROM host_reports o WHERE o.host = r.host) ORDER BY r.host, r.id LIMIT " + limit)) {
        return summaries(p);
      }
    });
  }

  /** The latest report of {@code host}: its summary and the report as sent. */
  public Optional<Stored> latest(String host) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement p = c.prepareStatement(SELECT + ", r.report FROM host_reports r WHERE r.host = ? ORDER BY r.received_at DESC, r.id "
          + "LIMIT 1")) {
        p.setString(1, host);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(new Stored(summary(rs), rs.getString(12))) : Optional.<Stored>empty();
        }
      }
    });
  }

  /** A report as sent, with its summary. */
  public record Stored(Summary summary, String report) {}

  private static final String SELECT = "SELECT r.id, r.host, r.mode, r.score, r.grade, r.passed, r.failed, r.errors, r.not_applicable, r.manual, "
      + "r.received_at ";

  private static List<Summary> summaries(PreparedStatement p) throws SQLException {
    List<Summary> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(summary(rs));
      }
    }
    return out;
  }

  private static Summary summary(ResultSet rs) throws SQLException {
    int score = rs.getInt(4);
    Integer boxed = rs.wasNull() ? null : score;
    return new Summary(rs.getString(1), rs.getString(2), rs.getString(3), boxed, rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8),
        rs.getInt(9), rs.getInt(10), rs.getLong(11));
  }
}
