package dev.portcullis.vuln.db;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.vuln.db.internal.Deflate;
import dev.portcullis.vuln.db.internal.Schema;
import dev.portcullis.vuln.osv.Advisory;
import dev.portcullis.vuln.osv.Affected;
import dev.portcullis.vuln.osv.Ecosystems;
import dev.portcullis.vuln.osv.OsvParser;
import dev.portcullis.vuln.osv.ParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import java.util.zip.DataFormatException;

/**
 * A database opened for reading. Opening reads only the {@code meta} table; the file is opened
 * immutable (databases are replaced by renaming, never changed in place). One opened {@link
 * #deferred} connects at its first use instead. Methods are thread-safe (one connection, used by
 * one caller at a time). Close it to release the file.
 */
public final class Database implements AutoCloseable {
  /** Only {@link #status()} reads JSON: opening a database does not pay for a mapper's start-up. */
  private static final class Meta {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private final Path file;
  private final @Nullable String identity;
  private final Deflate deflate = new Deflate();
  /** Inflaters for lookups parsing outside the lock, one per thread at a time, kept for the next. */
  private final ConcurrentLinkedQueue<Deflate> inflaters = new ConcurrentLinkedQueue<>();
  /** The connection, once made; guarded by this. */
  private @Nullable Connected connected;
  private boolean closed;

  /** A connection to the file, its meta table and its statements. */
  private static final class Connected {
    final Connection db;
    final Map<String, String> meta;
    final boolean hasEpss;
    final boolean hasKev;
    final PreparedStatement byRelease;
    final PreparedStatement byBase;
    final PreparedStatement advisoriesOf;
    final PreparedStatement advisoryByRowid;
    final PreparedStatement advisoryById;
    final PreparedStatement epssOf;
    final PreparedStatement kevOf;

    Connected(Connection db, Map<String, String> meta) throws SQLException {
      this.db = db;
      this.meta = Map.copyOf(meta);
      this.hasEpss = !"0".equals(meta.get("epss"));
      this.hasKev = !"0".equals(meta.get("kev"));
      String select = "SELECT a.id, a.ids, a.json FROM affected f JOIN advisory a ON a.rowid = f.advisory WHERE f.name = ? AND a.withdrawn IS NULL";
      byRelease = db.prepareStatement(select + " AND f.ecosystem = ?");
      // the release itself, or any name it starts ("Debian" finds "Debian:11" and "Debian:12"): ':' + 1 is ';'
      byBase = db.prepareStatement(select + " AND (f.ecosystem = ? OR f.ecosystem >= ? AND f.ecosystem < ?)");
      advisoriesOf = db.prepareStatement("SELECT DISTINCT advisory FROM ident WHERE ident = ? AND kind < 2");
      advisoryByRowid = db.prepareStatement("SELECT id, ids, json FROM advisory WHERE rowid = ?");
      advisoryById = db.prepareStatement("SELECT json FROM advisory WHERE id = ?");
      epssOf = db.prepareStatement("SELECT probability, percentile, date FROM epss WHERE cve = ?");
      kevOf = db.prepareStatement("SELECT date_added, vendor, product, name, required_action, due_date, ransomware FROM kev WHERE cve = ?");
    }
  }

  private Database(Path file, @Nullable String identity, @Nullable Connected connected) {
    this.file = file;
    this.identity = identity;
    this.connected = connected;
  }

  /** {@code ~/.cache/portcullis/db}: where the database lives unless the user names another file. */
  public static Path defaultLocation() {
    return Path.of(System.getProperty("user.home", "."), ".cache", "portcullis", "db");
  }

  /** Opens {@code file} read-only; fails when it is missing, not a database, or of another schema version. */
  public static Database open(Path file) throws DatabaseException {
    exists(file);
    String before = fileIdentity(file);
    Connected connected = connect(file);
    String after = fileIdentity(file);
    return new Database(file, before != null && before.equals(after) ? before : null, connected);
  }

  /**
   * {@code file} to be opened at its first use, or at {@link #connect}: fails now only when it is missing. A command
   * whose answer may come from a cache kept under the database's {@link #identity} then pays for no connection; one
   * about to do long work calls {@link #connect} first, so that a file that cannot be read fails it before the work.
   */
  public static Database deferred(Path file) throws DatabaseException {
    exists(file);
    return new Database(file, fileIdentity(file), null);
  }

  private static void exists(Path file) throws DatabaseException {
    if (!Files.isRegularFile(file)) {
      throw new DatabaseException("open vulnerability database " + file + ": no such file (build one with 'portcullis db import' or 'db update')");
    }
  }

  private static Connected connect(Path file) throws DatabaseException {
    Connection db = null;
    try {
      // the driver itself, not DriverManager: that searches the whole class path for drivers first (docs/BENCHMARKS.md)
      db = org.sqlite.JDBC.createConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro&immutable=1", new java.util.Properties());
      if (db == null) {
        throw new SQLException("not a SQLite URL");
      }
      try (Statement s = db.createStatement()) {
        // lookups jump about the whole file: mapped pages cost no read(2) each
        s.execute("PRAGMA mmap_size=" + (1L << 32));
      }
      Map<String, String> meta = meta(db);
      String version = meta.get("schema_version");
      if (!String.valueOf(Schema.VERSION).equals(version)) {
        throw new DatabaseException("open vulnerability database " + file + ": schema version " + version + ", this Portcullis reads " + Schema.VERSION);
      }
      return new Connected(db, meta);
    } catch (SQLException e) {
      close(db);
      throw new DatabaseException("open vulnerability database " + file + ": " + e.getMessage(), e);
    } catch (DatabaseException e) {
      close(db);
      throw e;
    }
  }

  /**
   * Connects a database opened {@link #deferred}, when it is not yet: fails when the file is not a database, is of
   * another schema version, or is no longer the file whose {@link #identity} was handed out (replaced meanwhile).
   */
  public void connect() throws DatabaseException {
    connected();
  }

  private synchronized Connected connected() throws DatabaseException {
    if (closed) {
      throw new DatabaseException("read vulnerability database " + file + ": it is closed");
    }
    Connected c = connected;
    if (c == null) {
      c = connect(file);
      String now = fileIdentity(file);
      if (identity != null && !identity.equals(now)) {
        close(c.db);
        throw new DatabaseException("open vulnerability database " + file + ": the file was replaced while in use (run the command again)");
      }
      connected = c;
    }
    return c;
  }

  /** The file's identity (device and inode), size and modification time, or null when the file system gives no identity. */
  private static @Nullable String fileIdentity(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.fileKey() == null ? null : a.fileKey() + " " + a.size() + " " + a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * What tells this database's content from any other's: its file's identity, size and modification time, the same
   * before and after it was opened; null when they differed (the file was replaced meanwhile) or the file system gives
   * no identity. One opened {@link #deferred} has the file's as it was then, and refuses to connect to a file that no
   * longer has it. Databases are replaced by renaming, never changed in place, so two opens with one identity read
   * the same advisories, and what was matched against one may be kept under it.
   */
  public @Nullable String identity() {
    return identity;
  }

  /**
   * Makes this process's first {@link #open} quick: opens and closes a database in memory, which loads
   * the driver's native library and sets up what each connection needs (its date format reads the
   * locale's calendar data, tens of milliseconds in a new process). For a process that will open a
   * database, on a thread of its own while it does other work. A failure is left for {@code open} to report.
   */
  public static void prepare() {
    try {
      Connection c = org.sqlite.JDBC.createConnection("jdbc:sqlite::memory:", new java.util.Properties());
      if (c != null) {
        c.close();
      }
    } catch (SQLException | RuntimeException | LinkageError e) {
      // open() meets the same failure and says what it was opening
    }
  }

  private static void close(Connection db) {
    if (db != null) {
      try {
        db.close();
      } catch (SQLException e) {
        // already failing; the first error is the one to report
      }
    }
  }

  private static Map<String, String> meta(Connection db) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  /**
   * The advisories, withdrawn ones excepted, that name the package {@code name} of {@code ecosystem},
   * sorted by id. An ecosystem with a release ({@code Debian:12}) matches only that release; one
   * without ({@code Debian}, {@code npm}) matches every release. The name is normalised as {@link
   * Ecosystems#normaliseName} does.
   */
  public List<Candidate> query(String ecosystem, String name) throws DatabaseException {
    String base = Ecosystems.base(ecosystem);
    String normal = Ecosystems.normaliseName(ecosystem, name);
    boolean release = ecosystem.contains(":");
    Connected c = connected();
    try {
      // by id, each advisory once however many releases of the package it names
      TreeMap<String, Stored> rows = new TreeMap<>();
      synchronized (this) {
        PreparedStatement q = release ? c.byRelease : c.byBase;
        q.setString(1, normal);
        if (release) {
          q.setString(2, ecosystem);
        } else {
          q.setString(2, base);
          q.setString(3, base + ":");
          q.setString(4, base + ";");
        }
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.putIfAbsent(rs.getString(1), new Stored(rs.getString(1), rs.getString(2), rs.getBytes(3)));
          }
        }
      }
      // parsing is most of a lookup's time, and needs no connection: callers on several threads parse at once
      List<Candidate> out = new ArrayList<>(rows.size());
      for (Stored row : rows.values()) {
        Advisory a = parsed(row.id(), row.json());
        List<Affected> entries = new ArrayList<>();
        for (Affected e : a.affected()) {
          if (e.pkg().isPresent() && (release ? e.pkg().get().ecosystem().equals(ecosystem) : e.pkg().get().ecosystemBase().equals(base))
              && Ecosystems.normaliseName(e.pkg().get().ecosystem(), e.pkg().get().name()).equals(normal)) {
            entries.add(e);
          }
        }
        List<String> ids = ids(a, row.ids());
        List<String> cves = new ArrayList<>(ids);
        cves.addAll(a.upstream());
        synchronized (this) {
          out.add(new Candidate(a, entries, ids, bestEpss(c, cves), earliestKev(c, cves)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new DatabaseException("query " + ecosystem + "/" + name + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@link #advisory(String, byte[])} with an inflater of its own, outside the connection's lock. */
  private Advisory parsed(String id, byte[] stored) throws SQLException {
    Deflate d = inflaters.poll();
    try {
      return advisory(d == null ? d = new Deflate() : d, id, stored);
    } finally {
      inflaters.offer(d);
    }
  }

  /** An advisory row as read, before its JSON is parsed. */
  private record Stored(String id, @Nullable String ids, byte[] json) {}

  /** The advisory with this id, withdrawn or not. */
  public synchronized Optional<Advisory> advisory(String id) throws DatabaseException {
    Connected c = connected();
    try {
      c.advisoryById.setString(1, id);
      try (ResultSet rs = c.advisoryById.executeQuery()) {
        return rs.next() ? Optional.of(advisory(id, rs.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DatabaseException("read advisory " + id + " from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every identifier of the alias group(s) {@code id} belongs to, sorted: look up a CVE and get the
   * GHSA, GO, DSA... records that alias it. Empty when no advisory knows the id.
   */
  public synchronized List<String> aliases(String id) throws DatabaseException {
    Connected c = connected();
    try {
      c.advisoriesOf.setString(1, id);
      List<Long> advisories = new ArrayList<>();
      try (ResultSet rs = c.advisoriesOf.executeQuery()) {
        while (rs.next()) {
          advisories.add(rs.getLong(1));
        }
      }
      TreeSet<String> out = new TreeSet<>();
      for (long rowid : advisories) {
        c.advisoryByRowid.setLong(1, rowid);
        try (ResultSet rs = c.advisoryByRowid.executeQuery()) {
          if (rs.next()) {
            String ids = rs.getString(2);
            out.addAll(ids != null ? Arrays.asList(ids.split(" ")) : ids(advisory(rs.getString(1), rs.getBytes(3)), null));
          }
        }
      }
      return List.copyOf(out);
    } catch (SQLException e) {
      throw new DatabaseException("look up aliases of " + id + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /** The EPSS score of a CVE. */
  public synchronized Optional<Epss> epss(String cve) throws DatabaseException {
    Connected c = connected();
    try {
      return epssRow(c, cve);
    } catch (SQLException e) {
      throw new DatabaseException("read EPSS of " + cve + " from " + file + ": " + e.getMessage(), e);
    }
  }

  /** The KEV entry of a CVE. */
  public synchronized Optional<Kev> kev(String cve) throws DatabaseException {
    Connected c = connected();
    try {
      return kevRow(c, cve);
    } catch (SQLException e) {
      throw new DatabaseException("read KEV entry of " + cve + " from " + file + ": " + e.getMessage(), e);
    }
  }

  /** Build time, sources and counts. */
  public synchronized Status status() throws DatabaseException {
    Map<String, String> meta = connected().meta;
    try {
      List<String> sources = Meta.JSON.readValue(meta.getOrDefault("sources", "[]"), new TypeReference<List<String>>() {});
      Map<String, Long> perEcosystem = Meta.JSON.readValue(meta.getOrDefault("ecosystems", "{}"), new TypeReference<Map<String, Long>>() {});
      return new Status(Integer.parseInt(meta.get("schema_version")), meta.getOrDefault("built_at", ""), sources, number(meta, "advisories"),
          number(meta, "withdrawn"), perEcosystem, number(meta, "epss"), number(meta, "kev"));
    } catch (IOException | NumberFormatException e) {
      throw new DatabaseException("read the status of " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * When the database was built (ISO-8601, as {@link Status#builtAt}), without reading the rest of its status. A
   * database opened {@link #deferred} is connected first, and a failure to is an {@link UncheckedIOException}.
   */
  public String builtAt() {
    try {
      return connected().meta.getOrDefault("built_at", "");
    } catch (DatabaseException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long number(Map<String, String> meta, String key) {
    return Long.parseLong(meta.getOrDefault(key, "0"));
  }

  /** The ids of the advisory's alias group, sorted: as stored for a group of several, else its own id and aliases. */
  private static List<String> ids(Advisory a, @Nullable String stored) {
    if (stored != null) {
      return List.of(stored.split(" "));
    }
    TreeSet<String> out = new TreeSet<>(a.aliases());
    out.add(a.id());
    return List.copyOf(out);
  }

  private static Optional<Epss> bestEpss(Connected c, List<String> ids) throws SQLException {
    if (!c.hasEpss) {
      return Optional.empty();
    }
    Epss best = null;
    for (String id : ids) {
      if (id.startsWith("CVE-")) {
        Optional<Epss> e = epssRow(c, id);
        if (e.isPresent() && (best == null || e.get().probability() > best.probability())) {
          best = e.get();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<Kev> earliestKev(Connected c, List<String> ids) throws SQLException {
    if (!c.hasKev) {
      return Optional.empty();
    }
    Kev best = null;
    for (String id : ids) {
      if (id.startsWith("CVE-")) {
        Optional<Kev> k = kevRow(c, id);
        if (k.isPresent() && (best == null || k.get().dateAdded().compareTo(best.dateAdded()) < 0)) {
          best = k.get();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<Epss> epssRow(Connected c, String cve) throws SQLException {
    c.epssOf.setString(1, cve);
    try (ResultSet rs = c.epssOf.executeQuery()) {
      return rs.next() ? Optional.of(new Epss(cve, rs.getDouble(1), rs.getDouble(2), rs.getString(3))) : Optional.empty();
    }
  }

  private static Optional<Kev> kevRow(Connected c, String cve) throws SQLException {
    c.kevOf.setString(1, cve);
    try (ResultSet rs = c.kevOf.executeQuery()) {
      return rs.next()
          ? Optional.of(new Kev(cve, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)))
          : Optional.empty();
    }
  }

  private Advisory advisory(String id, byte[] stored) throws SQLException {
    return advisory(deflate, id, stored);
  }

  private static Advisory advisory(Deflate deflate, String id, byte[] stored) throws SQLException {
    try {
      return switch (OsvParser.parse(deflate.decompress(stored))) {
        case ParseResult.Parsed p -> p.advisory();
        case ParseResult.Malformed m -> throw new SQLException("advisory " + id + " is stored damaged: " + m.reason());
      };
    } catch (DataFormatException e) {
      throw new SQLException("advisory " + id + " is stored damaged: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws DatabaseException {
    closed = true;
    Connected c = connected;
    connected = null;
    if (c == null) {
      return;
    }
    try {
      c.db.close();
    } catch (SQLException e) {
      throw new DatabaseException("close " + file + ": " + e.getMessage(), e);
    }
  }
}
