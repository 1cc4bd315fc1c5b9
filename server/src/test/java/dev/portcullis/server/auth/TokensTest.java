package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens on the embedded SQLite database. */
class TokensTest extends TokensContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }

  @Test
  void theSecretIsNowhereInTheDatabaseOnlyItsSha256() throws Exception {
    Tokens.Created ci = tokens.create("ci", "alice", DEV, in(Duration.ofDays(30)));
    tokens.authenticate(ci.secret(), "10.0.0.1");
    store.close();
    String files = DatabaseFiles.contents(dir);
    assertThat(files).contains(Secrets.sha256Hex(ci.secret())).doesNotContain(ci.secret().substring(4))
        .doesNotContain(ci.secret().substring(4, 24));
  }
}
