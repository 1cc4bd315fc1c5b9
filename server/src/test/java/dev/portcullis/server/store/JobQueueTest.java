package dev.portcullis.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The queue on the embedded SQLite database. */
class JobQueueTest extends JobQueueContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }
}
