package dev.portcullis.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * The server's database, migrated to the current schema when opened. Thread-safe; every method of
 * {@link #jobs()}, {@link #images()} and {@link #databases()} runs in its own transaction unless it is given one.
 */
public final class Store implements AutoCloseable {
  /** Which SQL the database speaks where SQLite and PostgreSQL differ (row locks for the queue). */
  public enum Dialect { SQLITE, POSTGRESQL }

  /** One unit of work in one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Where decisions taken inside a store transaction are written, in that transaction (the audit
   * trail). {@code actor} is who decided as the store records it: an identity's principal
   * ({@code user:alice}) or one of the server's actors ({@code scanner}).
   */
  @FunctionalInterface
  public interface Journal {
    void append(Connection c, String actor, String action, String target, String outcome, String reason) throws SQLException;

    Journal NONE = (c, actor, action, target, outcome, reason) -> { };
  }

  private volatile Journal journal = Journal.NONE;
  private final HikariDataSource pool;
  private final Dialect dialect;
  private final Clock clock;
  private final JobQueue jobs;
  private final ImageStates images;
  private final Promotions promotions;
  private final Releases releases;
  private final AdmissionFacts admission;
  private final HostReports hosts;
  private final Behaviours behaviours;
  private final VulnerabilityDatabases databases;
  private final Optional<Checkpointer> checkpoints;

  private Store(HikariDataSource pool, Dialect dialect, Clock clock, Optional<Checkpointer> checkpoints) {
    this.checkpoints = checkpoints;
    this.pool = pool;
    this.dialect = dialect;
    this.clock = clock;
    this.jobs = new JobQueue(this);
    this.images = new ImageStates(this);
    this.promotions = new Promotions(this);
    this.releases = new Releases(this);
    this.admission = new AdmissionFacts(this);
    this.hosts = new HostReports(this);
    this.behaviours = new Behaviours(this);
    this.databases = new VulnerabilityDatabases(this);
  }

  /** The embedded database {@code server.db} in {@code dataDir}, created when absent. */
  public static Store sqlite(Path dataDir, Clock clock) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve("server.db").toAbsolutePath();
    HikariConfig config = new HikariConfig();
    // SQLite has one writer: one connection serialises every transaction of this process, so none waits on a lock it cannot get
    config.setJdbcUrl("jdbc:sqlite:" + file + "?journal_mode=WAL&busy_timeout=30000&synchronous=NORMAL");
    config.setMaximumPoolSize(1);
    // the WAL is copied back into the database (with its fsync) by a thread of its own, not by a request's commit; a commit
    // checkpoints only when that thread has fallen 10,000 pages (40 MB) behind, which bounds the log
    config.setConnectionInitSql("PRAGMA wal_autocheckpoint=10000");
    return open(config, Dialect.SQLITE, "database " + file, clock, Optional.of("jdbc:sqlite:" + file + "?busy_timeout=30000"));
  }

  /**
   * Copies the write-ahead log back into the database every {@link #EVERY_MILLIS}, passively (writers
   * go on while it runs), on a connection of its own, so that no request's commit does a checkpoint;
   * at close, a last one empties the log. Small and frequent, because each checkpoint's fsync holds up
   * the file system's other writes (the log's) for as long as it takes: measured in {@code bench/run
   * --only admission}, checkpoints every 10 s gave a p99 of 54 ms at 1,000 decisions a second, every
   * 250 ms one of 8 ms.
   */
  private static final class Checkpointer implements AutoCloseable {
    static final long EVERY_MILLIS = 250;
    private final Connection connection;
    private final Thread thread;

    private Checkpointer(Connection connection) {
      this.connection = connection;
      this.thread = Thread.ofPlatform().daemon().name("portcullis-store:checkpoint").unstarted(this::run);
    }

    static Checkpointer start(String url) throws IOException {
      try {
        Checkpointer c = new Checkpointer(java.sql.DriverManager.getConnection(url));
        c.thread.start();
        return c;
      } catch (SQLException e) {
        throw new IOException("open the database's checkpoint connection: " + rootMessage(e), e);
      }
    }

    private void run() {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(EVERY_MILLIS);
          checkpoint("PASSIVE");
        } catch (InterruptedException e) {
          return;
        } catch (SQLException e) {
          // a busy database or a failed copy: the log stays as it is and the next round copies it
        }
      }
    }

    private synchronized void checkpoint(String mode) throws SQLException {
      try (java.sql.Statement s = connection.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(" + mode + ")");
      }
    }

    @Override
    public void close() {
      thread.interrupt();
      try {
        thread.join(5000);
        checkpoint("TRUNCATE");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (SQLException e) {
        // the log is copied the next time the database is opened
      } finally {
        try {
          connection.close();
        } catch (SQLException e) {
          // closing is all that is left
        }
      }
    }
  }

  /** A PostgreSQL database shared by any number of servers and workers. */
  public static Store postgres(String jdbcUrl, @Nullable String user, @Nullable String password, int connections, Clock clock)
      throws IOException {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("database " + jdbcUrl + ": not a jdbc:postgresql: URL");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(Math.max(2, connections));
    config.addDataSourceProperty("connectTimeout", "10");
    config.addDataSourceProperty("socketTimeout", "120");
    return open(config, Dialect.POSTGRESQL, "database " + redacted(jdbcUrl), clock, Optional.empty());
  }

  /** @param checkpointUrl where a SQLite database's checkpoints connect (empty: the database checkpoints itself) */
  private static Store open(HikariConfig config, Dialect dialect, String what, Clock clock, Optional<String> checkpointUrl) throws IOException {
    config.setAutoCommit(false);
    config.setPoolName("portcullis-store");
    config.setConnectionTimeout(30_000);
    // a database that is not there fails the start, not the first request
    config.setInitializationFailTimeout(15_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IOException("open " + what + ": " + rootMessage(e), e);
    }
    try {
      // the migration takes connections of its own, beside the pool's
      Flyway.configure().dataSource(config.getJdbcUrl(), config.getUsername(), config.getPassword()).locations("classpath:db/migration")
          .load().migrate();
    } catch (FlywayException e) {
      pool.close();
      throw new IOException("migrate " + what + ": " + rootMessage(e), e);
    }
    Optional<Checkpointer> checkpoints;
    try {
      checkpoints = checkpointUrl.isPresent() ? Optional.of(Checkpointer.start(checkpointUrl.get())) : Optional.empty();
    } catch (IOException e) {
      pool.close();
      throw e;
    }
    return new Store(pool, dialect, clock, checkpoints);
  }

  private static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return (m == null ? t.getClass().getSimpleName() : m).lines().findFirst().orElse("").strip();
  }

  /** Sets where decisions are journalled (the server sets its audit trail once, before any work). */
  public void journal(Journal j) {
    this.journal = j;
  }

  public Journal journal() {
    return journal;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Clock clock() {
    return clock;
  }

  public JobQueue jobs() {
    return jobs;
  }

  public ImageStates images() {
    return images;
  }

  public Promotions promotions() {
    return promotions;
  }

  public Releases releases() {
    return releases;
  }

  /** The host benchmark reports hosts sent. */
  public HostReports hosts() {
    return hosts;
  }

  public Behaviours behaviours() {
    return behaviours;
  }

  /** What admission decides from, and what it let start. */
  public AdmissionFacts admission() {
    return admission;
  }

  /** The vulnerability database versions scanned with, and the re-scans each queues. */
  public VulnerabilityDatabases databases() {
    return databases;
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public <T> T transaction(Work<T> work) throws IOException {
    Open open = OPEN.get();
    open.depth++;
    try (Connection c = pool.getConnection()) {
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("database: " + rootMessage(e), e);
    } finally {
      // after the commit (or rollback), never before: a reader that saw the old version read the old rows
      if (open.admissionChanged) {
        admissionVersion.incrementAndGet();
      }
      if (--open.depth == 0) {
        open.admissionChanged = false;
      }
    }
  }

  /** The transactions this thread has open, and whether one of them changed what admission reads. */
  private static final class Open {
    int depth;
    boolean admissionChanged;
  }

  private static final ThreadLocal<Open> OPEN = ThreadLocal.withInitial(Open::new);
  private final java.util.concurrent.atomic.AtomicLong admissionVersion = new java.util.concurrent.atomic.AtomicLong();

  /** Said by the writers of what admission reads (image states, facts, tags), inside the transaction that writes it. */
  void admissionChanged() {
    OPEN.get().admissionChanged = true;
  }

  /**
   * A number that moves after every transaction of this process that changed what admission reads
   * has ended; what was read while it had one value is current until it has another (for this
   * process's writes: other processes sharing a PostgreSQL database do not move it).
   */
  public long admissionVersion() {
    return admissionVersion.get();
  }

  /** Whether the database answers a trivial query. */
  public boolean ready() {
    try {
      return transaction(c -> c.isValid(5));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.close();
    checkpoints.ifPresent(Checkpointer::close);
  }
}
