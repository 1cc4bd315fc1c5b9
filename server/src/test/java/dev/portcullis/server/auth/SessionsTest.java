package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions on the embedded SQLite database. */
class SessionsTest extends SessionsContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }

  @Test
  void neitherTheCookieNorTheCsrfTokenIsInTheDatabaseOnlyTheCookiesHash() throws Exception {
    Sessions.Created created = sessions.create("alice", "10.0.0.1");
    sessions.lookup(created.cookieValue(), "10.0.0.1");
    store.close();
    String files = DatabaseFiles.contents(dir);
    assertThat(files).contains(Secrets.sha256Hex(created.cookieValue()))
        .doesNotContain(created.cookieValue()).doesNotContain(created.csrfToken());
  }
}
