package dev.portcullis.server.governance;

import dev.portcullis.server.store.MutableClock;
import dev.portcullis.server.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The server's exceptions on the embedded SQLite database. */
class ServerExceptionsTest extends ServerExceptionsContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }
}
