package dev.portcullis.vuln.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.vuln.db.internal.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One database being built from scratch: the connection, the batched inserts, the inputs read, and the
 * problems and notes found. The readers ({@link OsvReader}, {@link EpssReader}, {@link KevReader}) write
 * into it; nothing is visible until {@link #commit()}.
 */
final class ImportBuild implements AutoCloseable {
  /** Rows sent to SQLite at once. */
  static final int BATCH = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection db;
  private final ImportOptions options;
  // in the order first used, so that the same inputs always write their last rows in the same order
  private final Map<PreparedStatement, int[]> pending = new LinkedHashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> notes = new ArrayList<>();
  private final Set<String> sources = new LinkedHashSet<>();

  /** The first problem of an import that does not allow any; unwinds the build. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Problem problem;

    Refusal(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }

    Problem problem() {
      return problem;
    }
  }

  ImportBuild(Path file, ImportOptions options) throws SQLException {
    this.options = options;
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
  }

  ImportOptions options() {
    return options;
  }

  Connection connection() {
    return db;
  }

  PreparedStatement prepare(String sql) throws SQLException {
    return db.prepareStatement(sql);
  }

  /** Adds the statement's current parameters to its batch, sending the batch when it is full. */
  void add(PreparedStatement s) throws SQLException {
    s.addBatch();
    int[] count = pending.computeIfAbsent(s, k -> new int[1]);
    if (++count[0] >= BATCH) {
      s.executeBatch();
      count[0] = 0;
    }
  }

  /** Sends every batch not yet full. */
  void flush() throws SQLException {
    for (var e : pending.entrySet()) {
      if (e.getValue()[0] > 0) {
        e.getKey().executeBatch();
      }
    }
  }

  /** Records a problem, or refuses the whole import at the first one when partial imports are not allowed. */
  void problem(String file, String reason) throws Refusal {
    Problem p = new Problem(file, reason);
    if (!options.allowPartial()) {
      throw new Refusal(p);
    }
    problems.add(p);
  }

  /** Records what was imported without some of its parts: never a refusal. */
  void note(String where, String text) {
    notes.add(new Problem(where, text));
  }

  /** Records an input read, as {@code db status} lists it. */
  void source(String source) {
    sources.add(source);
  }

  List<Problem> problems() {
    return problems;
  }

  List<Problem> notes() {
    return notes;
  }

  /** Creates the indexes; once, after every row is in. */
  void index() throws SQLException {
    try (Statement s = db.createStatement()) {
      for (String ddl : Schema.INDEXES) {
        s.execute(ddl);
      }
    }
  }

  /** Writes the {@code meta} table {@code db status} reads. */
  void meta(long advisories, long withdrawn, Map<String, Long> perEcosystem) throws SQLException {
    try (PreparedStatement m = db.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
      Map<String, String> values = new TreeMap<>();
      values.put("schema_version", Integer.toString(Schema.VERSION));
      values.put("built_at", Instant.now(options.clock()).toString());
      values.put("advisories", Long.toString(advisories));
      values.put("withdrawn", Long.toString(withdrawn));
      values.put("epss", Long.toString(count("SELECT COUNT(*) FROM epss")));
      values.put("kev", Long.toString(count("SELECT COUNT(*) FROM kev")));
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

  /** Gathers the planner's statistics and commits. */
  void commit() throws SQLException {
    try (Statement s = db.createStatement()) {
      // a sample is plenty for the planner's few choices, and reading every row of a large build is seconds
      s.execute("PRAGMA analysis_limit=1000");
      s.execute("ANALYZE");
    }
    db.commit();
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
