package dev.portcullis.server.governance;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Policy versions on the embedded SQLite database. */
class PolicyVersionsTest extends PolicyVersionsContract {
  @TempDir Path data;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(data, clock);
  }
}
