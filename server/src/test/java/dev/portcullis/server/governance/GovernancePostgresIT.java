package dev.portcullis.server.governance;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.Postgres;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** Exceptions and policy versions on a real PostgreSQL server: the same contracts as on SQLite. */
class GovernancePostgresIT {
  private static Postgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void startPostgres() {
    postgres = Postgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  static Store database(MutableClock clock) throws Exception {
    return Store.postgres(postgres.createDatabase("governance" + DATABASES.incrementAndGet()), null, null, 4, clock);
  }

  @Nested
  class Exceptions extends ServerExceptionsContract {
    @Override
    Store open(MutableClock clock) throws Exception {
      return database(clock);
    }
  }

  @Nested
  class Policies extends PolicyVersionsContract {
    @Override
    Store open(MutableClock clock) throws Exception {
      return database(clock);
    }
  }
}
