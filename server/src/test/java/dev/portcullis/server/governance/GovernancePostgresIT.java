package dev.portcullis.server.governance;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.SharedPostgres;
import dev.portcullis.server.store.Store;
import org.junit.jupiter.api.Nested;

/** Exceptions and policy versions on a real PostgreSQL server: the same contracts as on SQLite. */
class GovernancePostgresIT {
  static Store database(MutableClock clock) throws Exception {
    return SharedPostgres.store("governance", 4, clock);
  }

  @Nested
  class Exceptions extends ServerExceptionsContract {
    @Override
    protected Store open(MutableClock clock) throws Exception {
      return database(clock);
    }
  }

  @Nested
  class Policies extends PolicyVersionsContract {
    @Override
    protected Store open(MutableClock clock) throws Exception {
      return database(clock);
    }
  }
}
