package dev.portcullis.vuln.db.internal;

import java.util.List;

/**
 * The tables of schema version {@value #VERSION}. Raw OSV JSON is kept deflate-compressed; every
 * identifier an advisory is known by sits in {@code ident}, and {@code advisory.grp} names the
 * advisory that represents its alias group (the lowest rowid among advisories sharing an id or alias).
 */
public final class Schema {
  /** Bumped whenever a table or column changes meaning; a reader refuses any other version. */
  public static final int VERSION = 1;

  public static final List<String> TABLES = List.of(
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
      """
      CREATE TABLE advisory(
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        grp INTEGER NOT NULL,
        modified TEXT NOT NULL,
        published TEXT,
        withdrawn TEXT,
        summary TEXT NOT NULL,
        cvss_vector TEXT,
        cvss_score REAL,
        source TEXT NOT NULL,
        json BLOB NOT NULL)""",
      // kind: 0 the advisory's own id, 1 an alias, 2 an upstream id
      "CREATE TABLE ident(ident TEXT NOT NULL, advisory INTEGER NOT NULL, kind INTEGER NOT NULL)",
      // ecosystem as written ("Debian:12") and without its release ("Debian"); name normalised
      "CREATE TABLE affected(ecosystem_base TEXT NOT NULL, name TEXT NOT NULL, ecosystem TEXT NOT NULL, advisory INTEGER NOT NULL)",
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
  public static final List<String> INDEXES = List.of(
      "CREATE UNIQUE INDEX advisory_by_id ON advisory(id)",
      "CREATE INDEX advisory_by_grp ON advisory(grp)",
      "CREATE INDEX ident_by_ident ON ident(ident)",
      "CREATE INDEX ident_by_advisory ON ident(advisory)",
      "CREATE INDEX affected_by_package ON affected(ecosystem_base, name, ecosystem)");

  private Schema() {}
}
