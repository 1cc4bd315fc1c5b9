package dev.portcullis.server.store;

import dev.portcullis.testkit.Postgres;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The queue on a real PostgreSQL server (rows locked with FOR UPDATE SKIP LOCKED). */
class JobQueuePostgresIT extends JobQueueContract {
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

  @Override
  Store open(MutableClock clock) throws Exception {
    return Store.postgres(postgres.createDatabase("queue" + DATABASES.incrementAndGet()), null, null, 8, clock);
  }
}
