package dev.portcullis.server.store;

import dev.portcullis.testkit.Postgres;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for every test class of this JVM that runs a store contract on it,
 * started at the first use and stopped when the JVM ends; each call gets a database of its own.
 */
public final class SharedPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Postgres postgres;

  private SharedPostgres() {}

  /** A fresh database's JDBC URL, named after {@code purpose}. */
  public static synchronized String database(String purpose) {
    if (postgres == null) {
      postgres = Postgres.start();
      Postgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return postgres.createDatabase(purpose + DATABASES.incrementAndGet());
  }

  /** A store on a fresh database. */
  public static Store store(String purpose, int connections, Clock clock) throws java.io.IOException {
    return Store.postgres(database(purpose), null, null, connections, clock);
  }
}
