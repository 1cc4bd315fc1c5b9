package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.SharedPostgres;
import dev.portcullis.server.store.Store;
import org.junit.jupiter.api.Nested;

/** Users, tokens and sessions keep the same contracts on a real PostgreSQL server. */
class IdentitiesPostgresIT {
  static Store openPostgres(MutableClock clock) throws Exception {
    return SharedPostgres.store("identities", 8, clock);
  }

  @Nested
  class UsersOnPostgres extends UsersContract {
    @Override
    protected Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }

  @Nested
  class TokensOnPostgres extends TokensContract {
    @Override
    protected Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }

  @Nested
  class SessionsOnPostgres extends SessionsContract {
    @Override
    protected Store open(MutableClock clock) throws Exception {
      return openPostgres(clock);
    }
  }
}
