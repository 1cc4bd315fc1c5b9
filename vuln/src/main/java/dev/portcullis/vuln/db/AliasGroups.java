package dev.portcullis.vuln.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Advisories that share an id or an alias form one group; each member of a group of more than one gets the group's
 * ids, sorted, in its {@code ids} column. A lone advisory's ids are its own id and aliases, read from its JSON.
 */
final class AliasGroups {
  private AliasGroups() {}

  /** Groups the advisories whose rowids are below {@code rowidBound}, from the {@code ident} table. */
  static void write(Connection db, long rowidBound) throws SQLException {
    int size = (int) rowidBound;
    int[] parent = new int[size];
    Arrays.setAll(parent, i -> i);
    // the primary key orders the rows by ident
    String byIdent = "SELECT ident, advisory FROM ident WHERE kind < 2 ORDER BY ident";
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(byIdent)) {
      String last = null;
      int first = 0;
      while (rs.next()) {
        String ident = rs.getString(1);
        int advisory = (int) rs.getLong(2);
        if (ident.equals(last)) {
          union(parent, first, advisory);
        } else {
          last = ident;
          first = advisory;
        }
      }
    }
    int[] members = new int[size];
    boolean grouped = false;
    for (int i = 1; i < size; i++) {
      grouped |= ++members[find(parent, i)] > 1;
    }
    if (!grouped) {
      return;
    }
    Map<Integer, Set<String>> ids = new HashMap<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(byIdent)) {
      while (rs.next()) {
        int root = find(parent, (int) rs.getLong(2));
        if (members[root] > 1) {
          ids.computeIfAbsent(root, k -> new TreeSet<>()).add(rs.getString(1));
        }
      }
    }
    try (PreparedStatement update = db.prepareStatement("UPDATE advisory SET ids = ? WHERE rowid = ?")) {
      int n = 0;
      for (int i = 1; i < size; i++) {
        Set<String> group = ids.get(find(parent, i));
        if (group != null) {
          update.setString(1, String.join(" ", group));
          update.setLong(2, i);
          update.addBatch();
          if (++n % ImportBuild.BATCH == 0) {
            update.executeBatch();
          }
        }
      }
      update.executeBatch();
    }
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
}
