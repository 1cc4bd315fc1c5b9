package dev.portcullis.server.audit;

import dev.portcullis.server.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * The audit trail of a server's database opened read-only, for tools that run beside the server
 * ({@code portcullis audit verify} and {@code export}): it never creates, migrates or writes a
 * database, and reads it in short transactions, so a running server is not held up.
 */
public final class AuditReader implements AutoCloseable {
  private final Connection connection;
  private final String what;

  private AuditReader(Connection connection, String what) throws IOException {
    this.connection = connection;
    this.what = what;
    try {
      transaction(AuditTables::bounds);
    } catch (IOException e) {
      close();
      throw new IOException(what + " has no audit trail (a server older than the audit trail made it, or it is not a Portcullis "
          + "database): " + e.getMessage(), e);
    }
  }

  /** The SQLite database file {@code database} (a server's {@code DATA/server.db}); refused when it is not there. */
  public static AuditReader sqlite(Path database) throws IOException {
    String what = "database " + database;
    if (!Files.isRegularFile(database)) {
      throw new IOException(what + ": no such file");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(30_000);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath(), config.toProperties());
      c.setAutoCommit(false);
      return new AuditReader(c, what);
    } catch (SQLException e) {
      throw new IOException("open " + what + ": " + firstLine(e), e);
    }
  }

  /** A PostgreSQL database ({@code jdbc:postgresql://...}), read in read-only transactions. */
  public static AuditReader postgres(String jdbcUrl, @Nullable String user, @Nullable String password) throws IOException {
    String what = "database " + jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(what + ": not a jdbc:postgresql: URL");
    }
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "120");
    try {
      Connection c = new org.postgresql.Driver().connect(jdbcUrl, p);
      if (c == null) {
        throw new IOException("open " + what + ": the PostgreSQL driver does not take this URL");
      }
      c.setAutoCommit(false);
      c.setReadOnly(true);
      return new AuditReader(c, what);
    } catch (SQLException e) {
      throw new IOException("open " + what + ": " + firstLine(e), e);
    }
  }

  /** As {@link AuditLog#verify(List)}. */
  public Verification verify(List<PublicKey> trusted) throws IOException {
    return AuditTables.verify(this::transaction, trusted);
  }

  /** As {@link AuditLog#export(OutputStream)}. */
  public void export(OutputStream out) throws IOException {
    AuditTables.export(this::transaction, out);
  }

  private <T> T transaction(Store.Work<T> work) throws IOException {
    try {
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IOException("read " + what + ": " + firstLine(e), e);
    }
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("").strip();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing was written: nothing to lose
    }
  }
}
