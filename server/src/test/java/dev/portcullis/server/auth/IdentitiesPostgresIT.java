package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.Store;
import dev.portcullis.testkit.Postgres;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** Users, tokens and sessions keep the same contracts on a real PostgreSQL server. */
class IdentitiesPostgresIT {
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

  static Store openPostgres(MutableClock clock) throws Exception {
    return Store.postgres(postgres.createDatabase("identities" + DATABASES.incrementAndGet()), null, null, 8, clock);
  }

  @Nested
  class UsersOnPostgres extends UsersContract {
    @Override
    Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }

  @Nested
  class TokensOnPostgres extends TokensContract {
    @Override
    Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }

  @Nested
  class SessionsOnPostgres extends SessionsContract {
    @Override
    Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }
}
