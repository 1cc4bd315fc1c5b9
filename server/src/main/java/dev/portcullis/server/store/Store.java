package dev.portcullis.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
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
  private final VulnerabilityDatabases databases;

  private Store(HikariDataSource pool, Dialect dialect, Clock clock) {
    this.pool = pool;
    this.dialect = dialect;
    this.clock = clock;
    this.jobs = new JobQueue(this);
    this.images = new ImageStates(this);
    this.promotions = new Promotions(this);
    this.releases = new Releases(this);
    this.admission = new AdmissionFacts(this);
    this.hosts = new HostReports(this);
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
    return open(config, Dialect.SQLITE, "database " + file, clock);
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
    return open(config, Dialect.POSTGRESQL, "database " + redacted(jdbcUrl), clock);
  }

  private static Store open(HikariConfig config, Dialect dialect, String what, Clock clock) throws IOException {
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
    return new Store(pool, dialect, clock);
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
    }
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
  }
}
