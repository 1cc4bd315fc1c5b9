package dev.portcullis.vuln.db.internal;

import java.util.List;

/**
 * The tables of schema version {@value #VERSION}. Raw OSV JSON is kept deflate-compressed and is the
 * only copy of what can be read from it (summary, severity, dates); the other columns are what
 * lookups need. Every identifier an advisory is known by sits in {@code ident}. Advisories that
 * share an id or an alias form a group; {@code advisory.ids} lists every id and alias of the group,
 * sorted, space-separated, and is null when the group is the advisory alone (its ids are then its
 * own id and aliases). The {@code meta} table carries the counts {@code db status} shows.
 */
public final class Schema {
  /** Bumped whenever a table or column changes meaning; a reader refuses any other version. */
  public static final int VERSION = 2;

  public static final List<String> TABLES = List.of(
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
      """
      CREATE TABLE advisory(
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        ids TEXT,
        withdrawn TEXT,
        source TEXT NOT NULL,
        json BLOB NOT NULL)""",
      // kind: 0 the advisory's own id, 1 an alias, 2 an upstream id
      "CREATE TABLE ident(ident TEXT NOT NULL, kind INTEGER NOT NULL, advisory INTEGER NOT NULL, PRIMARY KEY(ident, kind, advisory)) WITHOUT ROWID",
      // ecosystem as written ("Debian:12"); name normalised. Keyed for lookups by name, then release
      "CREATE TABLE affected(name TEXT NOT NULL, ecosystem TEXT NOT NULL, advisory INTEGER NOT NULL, PRIMARY KEY(name, ecosystem, advisory)) WITHOUT ROWID",
      "CREATE TABLE epss(cve TEXT PRIMARY KEY, probability REAL NOT NULL, percentile REAL NOT NULL, date TEXT NOT NULL) WITHOUT ROWID",
      """
      CREATE TABLE kev(
        cve TEXT PRIMARY KEY,
        date_added TEXT NOT NULL,
        vendor TEXT NOT NULL,
        product TEXT NOT NULL,
        name TEXT NOT NULL,
        required_action TEXT NOT NULL,
        due_date TEXT NOT NULL,
        ransomware TEXT NOT NULL) WITHOUT ROWID""");

  /** Created once the rows are in: building an index at the end is faster than keeping it up to date. */
  public static final List<String> INDEXES = List.of("CREATE UNIQUE INDEX advisory_by_id ON advisory(id)");

  private Schema() {}
}
