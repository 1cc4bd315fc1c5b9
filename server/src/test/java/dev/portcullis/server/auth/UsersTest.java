package dev.portcullis.server.auth;

import dev.portcullis.server.store.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users on the embedded SQLite database. */
class UsersTest extends UsersContract {
  @TempDir Path dir;

  @Override
  protected Store open(MutableClock clock) throws Exception {
    return Store.sqlite(dir, clock);
  }

  @Test
  void thePasswordIsNowhereInTheDatabaseOnlyItsArgon2idHash() throws Exception {
    users.create("alice", "a very particular passphrase", DEV);
    users.authenticate("alice", "another quite particular guess", "10.0.0.1");
    store.close();
    String files = DatabaseFiles.contents(dir);
    assertThat(files).contains("$argon2id$v=19$m=64,t=1,p=1$").contains("alice")
        .doesNotContain("a very particular passphrase").doesNotContain("another quite particular guess");
  }

  @Test
  void theThrottleRemembersABoundedNumberOfAddresses() throws Exception {
    Users few = new Users(store, FAST, new Users.LoginLimits(5, Duration.ofMinutes(15), 2, Duration.ofMinutes(1), 3));
    few.create("alice", PASSWORD, List.of());
    for (int i = 0; i < 100; i++) {
      few.authenticate("alice", PASSWORD, "198.51.100." + i);
    }
    assertThat(few.rememberedAddresses()).isEqualTo(3);
    few.authenticate("alice", "not the password", "198.51.100.99");
    few.authenticate("alice", "not the password", "198.51.100.99");
    assertThat(few.authenticate("alice", "not the password", "198.51.100.99")).as("a remembered address is still counted")
        .isInstanceOf(Users.Throttled.class);
  }
}
