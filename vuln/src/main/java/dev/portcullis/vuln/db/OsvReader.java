package dev.portcullis.vuln.db;

import dev.portcullis.vuln.cvss.Cvss;
import dev.portcullis.vuln.cvss.InvalidVectorException;
import dev.portcullis.vuln.db.internal.Deflate;
import dev.portcullis.vuln.osv.Advisory;
import dev.portcullis.vuln.osv.Affected;
import dev.portcullis.vuln.osv.Ecosystems;
import dev.portcullis.vuln.osv.OsvParser;
import dev.portcullis.vuln.osv.ParseResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads OSV records, one a file or many in a zip, into the {@code advisory}, {@code ident} and {@code affected}
 * tables of a build. Of two records with one id the one with the later {@code modified} is kept.
 */
final class OsvReader {
  private final ImportBuild build;
  private final PreparedStatement insertAdvisory;
  private final PreparedStatement insertIdent;
  private final PreparedStatement insertAffected;
  private final Map<String, Known> byId = new HashMap<>();
  private final List<Long> superseded = new ArrayList<>();
  private final Deflate deflate = new Deflate();
  private long nextRowid = 1;
  private long supersededCount;
  private long withdrawn;

  /** @param bases the ecosystem base names of its packages, for the counts {@code db status} shows */
  private record Known(long rowid, Instant modified, boolean withdrawn, Set<String> bases) {}

  OsvReader(ImportBuild build) throws SQLException {
    this.build = build;
    insertAdvisory = build.prepare("INSERT INTO advisory(rowid, id, withdrawn, source, json) VALUES (?,?,?,?,?)");
    // an alias list may name an id twice
    insertIdent = build.prepare("INSERT OR IGNORE INTO ident(ident, kind, advisory) VALUES (?,?,?)");
    insertAffected = build.prepare("INSERT INTO affected(name, ecosystem, advisory) VALUES (?,?,?)");
  }

  /** Reads one OSV record ({@code *.json}). */
  void file(Path file) throws IOException, SQLException, ImportBuild.Refusal {
    long limit = build.options().maxEntryBytes();
    if (Files.size(file) > limit) {
      build.problem(file.toString(), "larger than the limit of " + limit + " bytes");
      return;
    }
    build.source("osv " + file.getFileName());
    advisory(Files.readAllBytes(file), file.toString());
  }

  /** Reads the records of a zip such as osv.dev's {@code all.zip} as a stream, each entry and their number bounded. */
  void zip(Path file) throws IOException, SQLException, ImportBuild.Refusal {
    build.source("osv-zip " + file.getFileName());
    ImportOptions options = build.options();
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.isDirectory() || !entry.getName().endsWith(".json")) {
          continue;
        }
        String where = file + "!" + entry.getName();
        if (++entries > options.maxZipEntries()) {
          build.problem(file.toString(), "more than " + options.maxZipEntries() + " entries; the rest were skipped");
          return;
        }
        byte[] bytes = zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxEntryBytes() + 1));
        if (bytes.length > options.maxEntryBytes()) {
          build.problem(where, "larger than the limit of " + options.maxEntryBytes() + " bytes");
          continue;
        }
        advisory(bytes, where);
      }
    }
  }

  private void advisory(byte[] raw, String where) throws SQLException, ImportBuild.Refusal {
    Advisory a;
    switch (OsvParser.parse(raw)) {
      case ParseResult.Malformed m -> {
        build.problem(where, m.reason());
        return;
      }
      case ParseResult.Parsed p -> a = p.advisory();
    }
    Known earlier = byId.get(a.id());
    if (earlier != null) {
      if (!a.modified().isAfter(earlier.modified())) {
        supersededCount++;
        return;
      }
      superseded.add(earlier.rowid());
      supersededCount++;
      if (earlier.withdrawn()) {
        withdrawn--;
      }
    }
    long rowid = nextRowid++;
    if (a.isWithdrawn()) {
      withdrawn++;
    }
    // a vector the matcher could not score is reported now; the vectors themselves stay in the JSON
    for (Advisory.Severity s : severities(a)) {
      if (s.type().startsWith("CVSS_")) {
        try {
          Cvss.parse(s.score());
        } catch (InvalidVectorException e) {
          build.note(where, a.id() + ": severity left out: " + e.getMessage());
        }
      }
    }
    insertAdvisory.setLong(1, rowid);
    insertAdvisory.setString(2, a.id());
    insertAdvisory.setString(3, a.withdrawn().map(Instant::toString).orElse(null));
    insertAdvisory.setString(4, where);
    insertAdvisory.setBytes(5, deflate.compress(raw));
    build.add(insertAdvisory);
    ident(a.id(), rowid, 0);
    for (String alias : a.aliases()) {
      if (!alias.equals(a.id())) {
        ident(alias, rowid, 1);
      }
    }
    for (String up : a.upstream()) {
      ident(up, rowid, 2);
    }
    Set<String> packages = new HashSet<>();
    Set<String> bases = new TreeSet<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (Affected e : a.affected()) {
      if (e.pkg().isEmpty()) {
        continue;
      }
      Affected.Package p = e.pkg().get();
      if (!Ecosystems.isKnown(p.ecosystem())) {
        unknown.add(p.ecosystem());
        continue;
      }
      String name = Ecosystems.normaliseName(p.ecosystem(), p.name());
      if (packages.add(p.ecosystem() + "\u0000" + name)) {
        insertAffected.setString(1, name);
        insertAffected.setString(2, p.ecosystem());
        insertAffected.setLong(3, rowid);
        build.add(insertAffected);
        bases.add(p.ecosystemBase());
      }
    }
    byId.put(a.id(), new Known(rowid, a.modified(), a.isWithdrawn(), Set.copyOf(bases)));
    for (String eco : unknown) {
      build.note(where, a.id() + ": unknown ecosystem '" + eco + "'; its packages were left out");
    }
  }

  private static List<Advisory.Severity> severities(Advisory a) {
    List<Advisory.Severity> all = new ArrayList<>(a.severity());
    a.affected().forEach(e -> all.addAll(e.severity()));
    return all;
  }

  private void ident(String ident, long rowid, int kind) throws SQLException {
    insertIdent.setString(1, ident);
    insertIdent.setInt(2, kind);
    insertIdent.setLong(3, rowid);
    build.add(insertIdent);
  }

  /** Deletes the records a later one of the same id replaced, with their idents and packages; after the last batch. */
  void dropSuperseded() throws SQLException {
    if (superseded.isEmpty()) {
      return;
    }
    try (PreparedStatement del = build.prepare("DELETE FROM advisory WHERE rowid = ?")) {
      for (long rowid : superseded) {
        del.setLong(1, rowid);
        del.addBatch();
      }
      del.executeBatch();
    }
    try (Statement s = build.connection().createStatement()) {
      s.execute("DELETE FROM ident WHERE advisory NOT IN (SELECT rowid FROM advisory)");
      s.execute("DELETE FROM affected WHERE advisory NOT IN (SELECT rowid FROM advisory)");
    }
  }

  /** One above the highest advisory rowid written. */
  long rowidBound() {
    return nextRowid;
  }

  /** The advisories kept, one per id. */
  long advisories() {
    return byId.size();
  }

  long withdrawn() {
    return withdrawn;
  }

  long superseded() {
    return supersededCount;
  }

  /** How many advisories name packages of each ecosystem base name, in name order. */
  Map<String, Long> perEcosystem() {
    Map<String, Long> counts = new TreeMap<>();
    for (Known k : byId.values()) {
      k.bases().forEach(b -> counts.merge(b, 1L, Long::sum));
    }
    return counts;
  }
}
