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

/**
 * What behaviour learning sent: every revision of each workload's profile, the violations its enforcer reported, and
 * the mode chosen for it. Writes happen in the caller's transaction, beside their audit record.
 */
public final class Behaviours {
  private final Store store;

  Behaviours(Store store) {
    this.store = store;
  }

  /** One profile revision as kept: its counts and learning status, and the document as sent. */
  public record ProfileRow(String workload, int revision, boolean complete, String status, int flows, int processes,
      long receivedAt) {}

  /** One violation as kept. */
  public record ViolationRow(String id, String workload, String kind, String outcome, long seenAt, String description,
      String json) {}

  /** A workload's chosen mode, who chose it and when. */
  public record ModeRow(String workload, String mode, String setBy, long setAt) {}

  /** A workload as the dashboard lists it: its latest profile, its mode and how many violations it has. */
  public record WorkloadRow(String workload, @Nullable ProfileRow profile, @Nullable ModeRow mode, long violations,
      long lastViolation) {}

  /** The latest revision kept for {@code workload}, 0 when none. */
  public int latestRevision(Connection c, String workload) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT MAX(revision) FROM behaviour_profiles WHERE workload = ?")) {
      p.setString(1, workload);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  public void addProfile(Connection c, ProfileRow row, String profile) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO behaviour_profiles (workload, revision, complete, status, "
        + "flows, processes, received_at, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      p.setString(1, row.workload());
      p.setInt(2, row.revision());
      p.setInt(3, row.complete() ? 1 : 0);
      p.setString(4, row.status().length() > 400 ? row.status().substring(0, 400) : row.status());
      p.setInt(5, row.flows());
      p.setInt(6, row.processes());
      p.setLong(7, row.receivedAt());
      p.setString(8, profile);
      p.executeUpdate();
    }
  }

  public void addViolations(Connection c, List<ViolationRow> rows, long receivedAt) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO behaviour_violations (id, workload, kind, outcome, seen_at, "
        + "received_at, description, violation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (ViolationRow v : rows) {
        p.setString(1, v.id());
        p.setString(2, v.workload());
        p.setString(3, v.kind());
        p.setString(4, v.outcome());
        p.setLong(5, v.seenAt());
        p.setLong(6, receivedAt);
        p.setString(7, v.description().length() > 1000 ? v.description().substring(0, 1000) : v.description());
        p.setString(8, v.json());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  public void setMode(Connection c, ModeRow row) throws SQLException {
    try (PreparedStatement d = c.prepareStatement("DELETE FROM behaviour_modes WHERE workload = ?")) {
      d.setString(1, row.workload());
      d.executeUpdate();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO behaviour_modes (workload, mode, set_by, set_at) "
        + "VALUES (?, ?, ?, ?)")) {
      p.setString(1, row.workload());
      p.setString(2, row.mode());
      p.setString(3, row.setBy());
      p.setLong(4, row.setAt());
      p.executeUpdate();
    }
  }

  public Optional<ModeRow> mode(String workload) throws IOException {
    return store.transaction(c -> Optional.ofNullable(mode(c, workload)));
  }

  private static @Nullable ModeRow mode(Connection c, String workload) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT workload, mode, set_by, set_at FROM behaviour_modes "
        + "WHERE workload = ?")) {
      p.setString(1, workload);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? new ModeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)) : null;
      }
    }
  }

  /** The latest profile of {@code workload}, as sent. */
  public Optional<String> latestProfile(String workload) throws IOException {
    return store.transaction(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT profile FROM behaviour_profiles WHERE workload = ? "
          + "ORDER BY revision DESC LIMIT 1")) {
        p.setString(1, workload);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  /** The latest profile of every workload, as sent, workloads by name; at most {@code limit}. */
  public List<String> latestProfiles(int limit) throws IOException {
    return store.transaction(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT r.profile FROM behaviour_profiles r WHERE r.revision = "
          + "(SELECT MAX(o.revision) FROM behaviour_profiles o WHERE o.workload = r.workload) ORDER BY r.workload LIMIT "
          + limit); ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  /** Every workload that sent a profile or a violation or was given a mode, by name; at most {@code limit}. */
  public List<WorkloadRow> workloads(int limit) throws IOException {
    return store.transaction(c -> {
      List<String> names = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT workload FROM behaviour_profiles UNION SELECT workload FROM "
          + "behaviour_modes UNION SELECT workload FROM behaviour_violations ORDER BY 1 LIMIT " + limit);
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      List<WorkloadRow> out = new ArrayList<>();
      for (String name : names) {
        ProfileRow profile = null;
        try (PreparedStatement p = c.prepareStatement("SELECT workload, revision, complete, status, flows, processes, "
            + "received_at FROM behaviour_profiles WHERE workload = ? ORDER BY revision DESC LIMIT 1")) {
          p.setString(1, name);
          try (ResultSet rs = p.executeQuery()) {
            if (rs.next()) {
              profile = new ProfileRow(rs.getString(1), rs.getInt(2), rs.getInt(3) == 1, rs.getString(4), rs.getInt(5),
                  rs.getInt(6), rs.getLong(7));
            }
          }
        }
        ModeRow mode = mode(c, name);
        long count = 0;
        long last = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), MAX(seen_at) FROM behaviour_violations "
            + "WHERE workload = ?")) {
          p.setString(1, name);
          try (ResultSet rs = p.executeQuery()) {
            if (rs.next()) {
              count = rs.getLong(1);
              last = rs.getLong(2);
            }
          }
        }
        out.add(new WorkloadRow(name, profile, mode, count, last));
      }
      return out;
    });
  }

  /** The newest violations, of one workload or (null) of all, newest first; at most {@code limit}. */
  public List<ViolationRow> violations(@Nullable String workload, int limit) throws IOException {
    return store.transaction(c -> {
      List<ViolationRow> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT id, workload, kind, outcome, seen_at, description, violation "
          + "FROM behaviour_violations" + (workload == null ? "" : " WHERE workload = ?")
          + " ORDER BY seen_at DESC, id LIMIT " + limit)) {
        if (workload != null) {
          p.setString(1, workload);
        }
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new ViolationRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getString(6), rs.getString(7)));
          }
        }
      }
      return out;
    });
  }
}
