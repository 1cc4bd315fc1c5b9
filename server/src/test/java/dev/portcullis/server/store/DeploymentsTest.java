package dev.portcullis.server.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The deployments admission records, on the embedded SQLite database. */
class DeploymentsTest extends DeploymentsContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }
}
