package dev.portcullis.vuln.db;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.vuln.cvss.Cvss;
import dev.portcullis.vuln.cvss.InvalidVectorException;
import dev.portcullis.vuln.db.internal.Deflate;
import dev.portcullis.vuln.db.internal.Schema;
import dev.portcullis.vuln.osv.Advisory;
import dev.portcullis.vuln.osv.Affected;
import dev.portcullis.vuln.osv.Ecosystems;
import dev.portcullis.vuln.osv.OsvParser;
import dev.portcullis.vuln.osv.ParseResult;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Builds a database from inputs, each one of:
 *
 * <ul>
 *   <li>an OSV record ({@code *.json});
 *   <li>a zip of OSV records, such as osv.dev's per-ecosystem {@code all.zip}, read as a stream
 *       (nothing is written to disk), each entry and the number of entries bounded by {@link ImportOptions};
 *   <li>FIRST's EPSS CSV ({@code *.csv} or {@code *.csv.gz}: an optional {@code #model_version...,score_date:...}
 *       line, the header {@code cve,epss,percentile}, one row per CVE);
 *   <li>CISA's KEV catalogue ({@code *.json} whose name contains {@code kev} or {@code known_exploited});
 *   <li>a directory, walked in name order for all of the above.
 * </ul>
 *
 * <p>A database is always built whole from the inputs given. It is written beside {@code target}
 * under a temporary name and renamed over {@code target} only once complete, so a failed, refused or
 * interrupted import leaves the previous database byte for byte as it was and no temporary file behind.
 * An import is refused ({@link ImportRefusedException}) when
 *
 * <ul>
 *   <li>an input cannot be read, or one of its files, zip entries, records or rows cannot be parsed or is
 *       over a limit (a {@link Problem}), unless {@link ImportOptions#allowPartial()} is set, when the
 *       problems are reported and the rest is imported;
 *   <li>the inputs hold no advisory in force (none, or only withdrawn ones), whatever the options: an
 *       empty database would pass every scan.
 * </ul>
 *
 * <p>A record imported without some of its parts (an unknown ecosystem's packages, a severity vector
 * the matcher cannot score) is a note, never a refusal. When the same id comes twice the record with
 * the later {@code modified} is kept.
 */
public final class DatabaseImporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most JSON tokens read from a KEV catalogue: CISA's has about 40,000. */
  static final long MAX_KEV_TOKENS = 1_000_000;
  private static final ObjectMapper KEV_JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_KEV_TOKENS).build()).build());
  private static final int BATCH = 2000;

  private final ImportOptions options;

  public DatabaseImporter(ImportOptions options) {
    this.options = options;
  }

  /**
   * Builds the database of {@code inputs} and puts it at {@code target}, replacing what was there.
   *
   * @throws ImportRefusedException when an input could not be read (without {@link ImportOptions#allowPartial()})
   *     or the inputs hold no advisory in force; {@code target} is unchanged
   * @throws DatabaseException when the database could not be written; {@code target} is unchanged
   */
  public ImportReport importInto(Path target, List<Path> inputs) throws DatabaseException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, target.getFileName() + ".", ".importing");
    } catch (IOException e) {
      throw new DatabaseException("import into " + target + ": cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
    }
    try {
      ImportReport report;
      try (Build build = new Build(temp)) {
        for (Path input : inputs) {
          build.input(input);
        }
        report = build.finish();
      } catch (Refusal r) {
        throw new ImportRefusedException("import into " + target + " refused, the database was left as it was: " + r.problem, Optional.of(r.problem));
      }
      if (report.advisories() == report.withdrawn()) {
        throw new ImportRefusedException("import into " + target + " refused, the database was left as it was: the inputs hold no advisories"
            + (report.withdrawn() == 0 ? "" : " in force (" + report.withdrawn() + " withdrawn)"), Optional.empty());
      }
      try {
        // temporary files are owner-only; a database is meant to be shared like an image
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its default permissions stand
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return report;
    } catch (SQLException e) {
      throw new DatabaseException("import into " + target + ": " + e.getMessage(), e);
    } catch (DatabaseException e) {
      throw e;
    } catch (IOException e) {
      throw new DatabaseException("import into " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // the temporary file is named as ours and harmless; the import's own outcome matters more
      }
    }
  }

  /** The first problem of an import that does not allow any; unwinds the build. */
  private static final class Refusal extends Exception {
    private final Problem problem;

    Refusal(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
  }

  private enum Kind { OSV, OSV_ZIP, EPSS, KEV }

  private static Kind kindOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".zip")) {
      return Kind.OSV_ZIP;
    }
    if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
      return Kind.EPSS;
    }
    if (name.endsWith(".json") && (name.contains("kev") || name.contains("known_exploited"))) {
      return Kind.KEV;
    }
    return name.endsWith(".json") ? Kind.OSV : null;
  }

  /** One import in progress: the connection, its statements and the tallies. */
  private final class Build implements AutoCloseable {
    private final Connection db;
    private final PreparedStatement insertAdvisory;
    private final PreparedStatement insertIdent;
    private final PreparedStatement insertAffected;
    private final PreparedStatement insertEpss;
    private final PreparedStatement insertKev;
    private final Map<PreparedStatement, int[]> pending = new HashMap<>();
    private final Map<String, Known> byId = new HashMap<>();
    private final List<Long> superseded = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Problem> notes = new ArrayList<>();
    private final Set<String> sources = new LinkedHashSet<>();
    private final Deflate deflate = new Deflate();
    private long nextRowid = 1;
    private long supersededCount;
    private long withdrawn;
    private long epss;
    private long kev;

    /** @param bases the ecosystem base names of its packages, for the counts {@code db status} shows */
    private record Known(long rowid, Instant modified, boolean withdrawn, Set<String> bases) {}

    Build(Path file) throws SQLException {
      db = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        // a half-built file is thrown away, so it needs no journal and no syncs
        s.execute("PRAGMA journal_mode=OFF");
        s.execute("PRAGMA synchronous=OFF");
        s.execute("PRAGMA locking_mode=EXCLUSIVE");
        s.execute("PRAGMA page_size=8192");
        s.execute("PRAGMA cache_size=-65536");
        s.execute("PRAGMA temp_store=MEMORY");
        db.setAutoCommit(false);
        for (String ddl : Schema.TABLES) {
          s.execute(ddl);
        }
      }
      insertAdvisory = db.prepareStatement("INSERT INTO advisory(rowid, id, withdrawn, source, json) VALUES (?,?,?,?,?)");
      // an alias list may name an id twice
      insertIdent = db.prepareStatement("INSERT OR IGNORE INTO ident(ident, kind, advisory) VALUES (?,?,?)");
      insertAffected = db.prepareStatement("INSERT INTO affected(name, ecosystem, advisory) VALUES (?,?,?)");
      insertEpss = db.prepareStatement("INSERT OR REPLACE INTO epss(cve, probability, percentile, date) VALUES (?,?,?,?)");
      insertKev = db.prepareStatement("INSERT OR REPLACE INTO kev(cve, date_added, vendor, product, name, required_action, due_date, ransomware) VALUES (?,?,?,?,?,?,?,?)");
    }

    /** Records a problem, or refuses the whole import at the first one when partial imports are not allowed. */
    private void problem(String file, String reason) throws Refusal {
      Problem p = new Problem(file, reason);
      if (!options.allowPartial()) {
        throw new Refusal(p);
      }
      problems.add(p);
    }

    void input(Path input) throws SQLException, Refusal {
      if (!Files.exists(input)) {
        problem(input.toString(), "cannot read: " + (Files.exists(input, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            ? "a symbolic link to nothing" : "no such file or directory"));
        return;
      }
      if (Files.isDirectory(input)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
          files = walk.filter(Files::isRegularFile).filter(p -> kindOf(p) != null).sorted().toList();
        } catch (IOException e) {
          problem(input.toString(), "cannot list the directory: " + describe(e));
          return;
        } catch (java.io.UncheckedIOException e) {
          problem(input.toString(), "cannot list the directory: " + describe(e.getCause()));
          return;
        }
        for (Path f : files) {
          file(f, kindOf(f));
        }
        return;
      }
      Kind kind = kindOf(input);
      if (kind == null) {
        problem(input.toString(), "not an input this import reads (*.json, *.zip, *.csv, *.csv.gz or a directory)");
        return;
      }
      file(input, kind);
    }

    private void file(Path file, Kind kind) throws SQLException, Refusal {
      try {
        switch (kind) {
          case OSV -> {
            if (Files.size(file) > options.maxEntryBytes()) {
              problem(file.toString(), "larger than the limit of " + options.maxEntryBytes() + " bytes");
              return;
            }
            sources.add("osv " + file.getFileName());
            advisory(Files.readAllBytes(file), file.toString());
          }
          case OSV_ZIP -> {
            sources.add("osv-zip " + file.getFileName());
            zip(file);
          }
          case EPSS -> {
            sources.add("epss " + file.getFileName());
            epss(file);
          }
          case KEV -> {
            sources.add("kev " + file.getFileName());
            kev(file);
          }
        }
      } catch (IOException e) {
        problem(file.toString(), "cannot read: " + describe(e));
      }
    }

    private void zip(Path file) throws IOException, SQLException, Refusal {
      int entries = 0;
      try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        ZipEntry entry;
        while ((entry = zip.getNextEntry()) != null) {
          if (entry.isDirectory() || !entry.getName().endsWith(".json")) {
            continue;
          }
          String where = file + "!" + entry.getName();
          if (++entries > options.maxZipEntries()) {
            problem(file.toString(), "more than " + options.maxZipEntries() + " entries; the rest were skipped");
            return;
          }
          byte[] bytes = zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxEntryBytes() + 1));
          if (bytes.length > options.maxEntryBytes()) {
            problem(where, "larger than the limit of " + options.maxEntryBytes() + " bytes");
            continue;
          }
          advisory(bytes, where);
        }
      }
    }

    private void advisory(byte[] raw, String where) throws SQLException, Refusal {
      Advisory a;
      switch (OsvParser.parse(raw)) {
        case ParseResult.Malformed m -> {
          problem(where, m.reason());
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
            notes.add(new Problem(where, a.id() + ": severity left out: " + e.getMessage()));
          }
        }
      }
      insertAdvisory.setLong(1, rowid);
      insertAdvisory.setString(2, a.id());
      insertAdvisory.setString(3, a.withdrawn().map(Instant::toString).orElse(null));
      insertAdvisory.setString(4, where);
      insertAdvisory.setBytes(5, deflate.compress(raw));
      add(insertAdvisory);
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
          add(insertAffected);
          bases.add(p.ecosystemBase());
        }
      }
      byId.put(a.id(), new Known(rowid, a.modified(), a.isWithdrawn(), Set.copyOf(bases)));
      for (String eco : unknown) {
        notes.add(new Problem(where, a.id() + ": unknown ecosystem '" + eco + "'; its packages were left out"));
      }
    }

    private List<Advisory.Severity> severities(Advisory a) {
      List<Advisory.Severity> all = new ArrayList<>(a.severity());
      a.affected().forEach(e -> all.addAll(e.severity()));
      return all;
    }

    private void ident(String ident, long rowid, int kind) throws SQLException {
      insertIdent.setString(1, ident);
      insertIdent.setInt(2, kind);
      insertIdent.setLong(3, rowid);
      add(insertIdent);
    }

    private void epss(Path file) throws IOException, SQLException, Refusal {
      InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if (b1 == 0x1f && b2 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      String date = "";
      int bad = 0;
      String firstBad = null;
      boolean header = false;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          if (line.startsWith("#")) {
            for (String part : line.substring(1).split(",")) {
              if (part.startsWith("score_date:")) {
                date = part.substring("score_date:".length()).strip();
                date = date.length() >= 10 ? date.substring(0, 10) : date;
              }
            }
            continue;
          }
          if (!header) {
            if (!line.strip().equals("cve,epss,percentile")) {
              problem(file.toString(), "line " + n + ": expected the header cve,epss,percentile, found '" + abbreviate(line) + "'");
              return;
            }
            header = true;
            continue;
          }
          String[] cells = line.split(",", -1);
          try {
            if (cells.length != 3) {
              throw new IllegalArgumentException("expected 3 columns, found " + cells.length);
            }
            Epss e = new Epss(cells[0].strip(), Double.parseDouble(cells[1]), Double.parseDouble(cells[2]), date);
            insertEpss.setString(1, e.cve());
            insertEpss.setDouble(2, e.probability());
            insertEpss.setDouble(3, e.percentile());
            insertEpss.setString(4, e.date());
            add(insertEpss);
            epss++;
          } catch (IllegalArgumentException e) {
            if (bad++ == 0) {
              firstBad = "line " + n + ": " + e.getMessage();
            }
          }
        }
      }
      if (!header) {
        problem(file.toString(), "no header cve,epss,percentile: not an EPSS file");
      }
      if (bad > 0) {
        problem(file.toString(), bad + " malformed rows skipped, the first at " + firstBad);
      }
    }

    private void kev(Path file) throws IOException, SQLException, Refusal {
      if (Files.size(file) > options.maxEntryBytes()) {
        problem(file.toString(), "larger than the limit of " + options.maxEntryBytes() + " bytes");
        return;
      }
      JsonNode root;
      try {
        root = KEV_JSON.readTree(file.toFile());
      } catch (StreamConstraintsException e) {
        problem(file.toString(), "more than " + MAX_KEV_TOKENS + " JSON tokens, the limit for the KEV catalogue");
        return;
      } catch (IOException e) {
        problem(file.toString(), "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        return;
      }
      JsonNode vulns = root == null ? null : root.get("vulnerabilities");
      if (vulns == null || !vulns.isArray()) {
        problem(file.toString(), "not a KEV catalogue: no 'vulnerabilities' array");
        return;
      }
      int i = 0;
      for (JsonNode v : vulns) {
        try {
          Kev k = new Kev(v.path("cveID").asText(""), v.path("dateAdded").asText(""), v.path("vendorProject").asText(""),
              v.path("product").asText(""), v.path("vulnerabilityName").asText(""), v.path("requiredAction").asText(""),
              v.path("dueDate").asText(""), v.path("knownRansomwareCampaignUse").asText(""));
          insertKev.setString(1, k.cve());
          insertKev.setString(2, k.dateAdded());
          insertKev.setString(3, k.vendor());
          insertKev.setString(4, k.product());
          insertKev.setString(5, k.name());
          insertKev.setString(6, k.requiredAction());
          insertKev.setString(7, k.dueDate());
          insertKev.setString(8, k.ransomware());
          add(insertKev);
          kev++;
        } catch (IllegalArgumentException e) {
          problem(file.toString(), "vulnerabilities[" + i + "]: " + e.getMessage());
        }
        i++;
      }
    }

    private void add(PreparedStatement s) throws SQLException {
      s.addBatch();
      int[] count = pending.computeIfAbsent(s, k -> new int[1]);
      if (++count[0] >= BATCH) {
        s.executeBatch();
        count[0] = 0;
      }
    }

    ImportReport finish() throws SQLException {
      for (var e : pending.entrySet()) {
        if (e.getValue()[0] > 0) {
          e.getKey().executeBatch();
        }
      }
      try (Statement s = db.createStatement()) {
        if (!superseded.isEmpty()) {
          try (PreparedStatement del = db.prepareStatement("DELETE FROM advisory WHERE rowid = ?")) {
            for (long rowid : superseded) {
              del.setLong(1, rowid);
              del.addBatch();
            }
            del.executeBatch();
          }
          s.execute("DELETE FROM ident WHERE advisory NOT IN (SELECT rowid FROM advisory)");
          s.execute("DELETE FROM affected WHERE advisory NOT IN (SELECT rowid FROM advisory)");
        }
        for (String ddl : Schema.INDEXES) {
          s.execute(ddl);
        }
        groupAliases();
        meta();
        // a sample is plenty for the planner's few choices, and reading every row of a large build is seconds
        s.execute("PRAGMA analysis_limit=1000");
        s.execute("ANALYZE");
      }
      db.commit();
      long advisories = byId.size();
      return new ImportReport(advisories, withdrawn, supersededCount, epss, kev, problems, notes);
    }

    /**
     * Advisories that share an id or an alias form one group; each member of a group of more than one
     * gets the group's ids, sorted. A lone advisory's ids are its own id and aliases, read from its JSON.
     */
    private void groupAliases() throws SQLException {
      int size = (int) nextRowid;
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
            if (++n % BATCH == 0) {
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

    private void meta() throws SQLException {
      try (PreparedStatement m = db.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
        Map<String, String> values = new java.util.TreeMap<>();
        values.put("schema_version", Integer.toString(Schema.VERSION));
        values.put("built_at", Instant.now(options.clock()).toString());
        values.put("advisories", Long.toString(byId.size()));
        values.put("withdrawn", Long.toString(withdrawn));
        values.put("epss", Long.toString(count("SELECT COUNT(*) FROM epss")));
        values.put("kev", Long.toString(count("SELECT COUNT(*) FROM kev")));
        Map<String, Long> perEcosystem = new java.util.TreeMap<>();
        for (Known k : byId.values()) {
          k.bases().forEach(b -> perEcosystem.merge(b, 1L, Long::sum));
        }
        try {
          values.put("sources", JSON.writeValueAsString(List.copyOf(sources)));
          values.put("ecosystems", JSON.writeValueAsString(perEcosystem));
        } catch (IOException e) {
          throw new IllegalStateException("a list of strings always serialises", e);
        }
        for (var e : values.entrySet()) {
          m.setString(1, e.getKey());
          m.setString(2, e.getValue());
          m.addBatch();
        }
        m.executeBatch();
      }
    }

    private long count(String sql) throws SQLException {
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    public void close() throws SQLException {
      db.close();
    }
  }

  /** An I/O failure in words: the JDK's file exceptions carry only the path as their message. */
  private static String describe(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such file or directory";
      case AccessDeniedException x -> "permission denied";
      case FileSystemException x when x.getReason() != null -> x.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
