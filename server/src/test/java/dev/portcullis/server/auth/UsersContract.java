package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.server.auth.Users.Failed;
import dev.portcullis.server.auth.Users.Locked;
import dev.portcullis.server.auth.Users.Reason;
import dev.portcullis.server.auth.Users.Success;
import dev.portcullis.server.auth.Users.Throttled;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What users and their logins promise, whichever database holds them. */
abstract class UsersContract extends StoreFixture {
  static final List<Grant> DEV = List.of(Grant.parse("developer:team/**"), Grant.parse("viewer:**"));

  Users users;

  @BeforeEach
  void openUsers() throws Exception {
    users = new Users(store, FAST, Users.LoginLimits.DEFAULTS);
  }

  @Test
  void usersAreCreatedReadListedAndRefusedWhenInvalidOrTaken() throws Exception {
    users.create("bob", PASSWORD, List.of());
    Users.User alice = users.create("alice", PASSWORD, DEV);
    assertThat(alice.grants()).isEqualTo(DEV);
    assertThat(alice.disabled()).isFalse();
    assertThat(users.get("alice")).contains(alice);
    assertThat(users.get("nobody")).isEmpty();
    assertThat(users.get("Not A Name")).isEmpty();
    assertThat(users.list()).extracting(Users.User::name).containsExactly("alice", "bob");
    assertThatThrownBy(() -> users.create("alice", PASSWORD, List.of())).isInstanceOf(IllegalStateException.class)
        .hasMessage("user alice exists already");
    for (String bad : List.of("", "Alice", "-alice", "a b", "x".repeat(65), "al/ice", "al\nice")) {
      assertThatThrownBy(() -> users.create(bad, PASSWORD, List.of())).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a user name").message().doesNotContain("\n");
    }
    assertThatThrownBy(() -> users.create("carol", "too short", List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the password has 9 characters, fewer than 12");
    assertThat(users.get("carol")).isEmpty();
    assertThatThrownBy(() -> users.setGrants("nobody", DEV)).isInstanceOf(NoSuchElementException.class).hasMessage("no user nobody");
  }

  @Test
  void theRightPasswordGivesTheUserWithTheirCurrentGrants() throws Exception {
    users.create("alice", PASSWORD, DEV);
    Identity who = ((Success) users.authenticate("alice", PASSWORD, "10.0.0.1")).identity();
    assertThat(who).isEqualTo(Identity.user("alice", DEV, "10.0.0.1"));
    assertThat(who.principal()).isEqualTo("user:alice");
    users.setGrants("alice", List.of(Grant.everywhere(Role.SECURITY)));
    assertThat(((Success) users.authenticate("alice", PASSWORD, "10.0.0.1")).identity().grants())
        .containsExactly(Grant.everywhere(Role.SECURITY));
    users.setPassword("alice", "another good passphrase");
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.1")).isEqualTo(new Failed(Reason.WRONG_PASSWORD));
    assertThat(users.authenticate("alice", "another good passphrase", "10.0.0.1")).isInstanceOf(Success.class);
  }

  @Test
  void fiveWrongPasswordsLockTheUserEvenAgainstTheRightOneUntilTheLockoutEnds() throws Exception {
    users.create("alice", PASSWORD, DEV);
    for (int i = 0; i < 5; i++) {
      assertThat(users.authenticate("alice", "wrong password " + i, "10.0.0.1")).isEqualTo(new Failed(Reason.WRONG_PASSWORD));
    }
    Instant until = clock.instant().plus(Duration.ofMinutes(15));
    long hashes = FAST.computed();
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.2")).isEqualTo(new Locked(until));
    assertThat(FAST.computed()).as("a locked user's password is not checked").isEqualTo(hashes);
    assertThat(users.get("alice").orElseThrow().lockedAt(clock.millis())).isTrue();

    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.2")).isEqualTo(new Locked(until));
    clock.advance(Duration.ofSeconds(1));
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.2")).isInstanceOf(Success.class);
  }

  @Test
  void theLockIsKeptInTheDatabaseSoAnotherServerSeesIt() throws Exception {
    users.create("alice", PASSWORD, DEV);
    Users otherServer = new Users(store, FAST, Users.LoginLimits.DEFAULTS);
    for (int i = 0; i < 3; i++) {
      users.authenticate("alice", "wrong password " + i, "10.0.0.1");
    }
    for (int i = 0; i < 2; i++) {
      otherServer.authenticate("alice", "wrong password " + i, "10.0.0.2");
    }
    assertThat(otherServer.authenticate("alice", PASSWORD, "10.0.0.3")).isInstanceOf(Locked.class);
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.3")).isInstanceOf(Locked.class);
    users.unlock("alice");
    assertThat(otherServer.authenticate("alice", PASSWORD, "10.0.0.3")).isInstanceOf(Success.class);
  }

  @Test
  void aSuccessStartsTheCountAgain() throws Exception {
    users.create("alice", PASSWORD, DEV);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 4; i++) {
        users.authenticate("alice", "wrong password " + i, "10.0.0." + round);
      }
      assertThat(users.get("alice").orElseThrow().failedLogins()).isEqualTo(4);
      assertThat(users.authenticate("alice", PASSWORD, "10.0.0." + round)).isInstanceOf(Success.class);
      assertThat(users.get("alice").orElseThrow().failedLogins()).isZero();
    }
  }

  @Test
  void concurrentWrongPasswordsAreAllCounted() throws Exception {
    users.create("alice", PASSWORD, DEV);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<Users.Outcome>> attempts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String source = "10.0.1." + i;
        attempts.add(pool.submit(() -> users.authenticate("alice", "wrong password", source)));
      }
      for (Future<Users.Outcome> f : attempts) {
        assertThat(f.get()).isEqualTo(new Failed(Reason.WRONG_PASSWORD));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.9")).isInstanceOf(Locked.class);
  }

  @Test
  void anUnknownUserCostsTheSameHashAsAKnownOneAndIsNeverLocked() throws Exception {
    users.create("alice", PASSWORD, DEV);
    long before = FAST.computed();
    assertThat(users.authenticate("alice", "wrong password", "10.0.0.1")).isEqualTo(new Failed(Reason.WRONG_PASSWORD));
    long known = FAST.computed() - before;
    before = FAST.computed();
    assertThat(users.authenticate("mallory", PASSWORD, "10.0.0.1")).isEqualTo(new Failed(Reason.UNKNOWN_USER));
    assertThat(FAST.computed() - before).isEqualTo(known).isEqualTo(1);
    before = FAST.computed();
    assertThat(users.authenticate("Not A Name'; --", PASSWORD, "10.0.0.1")).isEqualTo(new Failed(Reason.UNKNOWN_USER));
    assertThat(FAST.computed() - before).isEqualTo(1);
    for (int i = 0; i < 6; i++) {
      assertThat(users.authenticate("mallory", PASSWORD, "10.0.0.2")).isEqualTo(new Failed(Reason.UNKNOWN_USER));
    }
  }

  @Test
  void aDisabledUserCannotLogInUntilEnabled() throws Exception {
    users.create("alice", PASSWORD, DEV);
    assertThat(users.disable("alice").disabled()).isTrue();
    long before = FAST.computed();
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.1")).isEqualTo(new Failed(Reason.DISABLED));
    assertThat(FAST.computed() - before).as("the same work as any other login").isEqualTo(1);
    users.enable("alice");
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.1")).isInstanceOf(Success.class);
  }

  @Test
  void tenAttemptsAMinuteFromOneAddressThenThrottledWithoutAnyWork() throws Exception {
    users.create("alice", PASSWORD, DEV);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(users.authenticate("nobody" + i, PASSWORD, "192.0.2.1")).isInstanceOf(Failed.class);
    }
    Instant firstPlusMinute = clock.instant().minusSeconds(9).plus(Duration.ofMinutes(1));
    long before = FAST.computed();
    assertThat(users.authenticate("alice", PASSWORD, "192.0.2.1")).isEqualTo(new Throttled(firstPlusMinute));
    assertThat(FAST.computed()).isEqualTo(before);
    assertThat(users.authenticate("alice", PASSWORD, "192.0.2.2")).as("another address").isInstanceOf(Success.class);
    clock.advance(Duration.between(clock.instant(), firstPlusMinute));
    assertThat(users.authenticate("alice", PASSWORD, "192.0.2.1")).as("the first attempt is a minute old").isInstanceOf(Success.class);
    assertThat(users.authenticate("alice", PASSWORD, "192.0.2.1")).as("a success spends none of the budget").isInstanceOf(Success.class);
    assertThat(users.authenticate("alice", "not the password", "192.0.2.1")).as("a failure spends the freed one").isInstanceOf(Failed.class);
    assertThat(users.authenticate("alice", PASSWORD, "192.0.2.1")).as("the second failure is not a minute old").isInstanceOf(Throttled.class);
  }

  @Test
  void aHashWithOtherParametersIsReplacedAtTheNextSuccess() throws Exception {
    PasswordHasher old = PasswordHasher.uncheckedForTests(new PasswordHasher.Parameters(32, 1, 1));
    new Users(store, old, Users.LoginLimits.DEFAULTS).create("alice", PASSWORD, DEV);
    String before = store.transaction(c -> Users.row(c, "alice").orElseThrow().hash());
    assertThat(before).contains("m=32,");
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.1")).isInstanceOf(Success.class);
    String after = store.transaction(c -> Users.row(c, "alice").orElseThrow().hash());
    assertThat(after).contains("m=64,");
    assertThat(users.authenticate("alice", PASSWORD, "10.0.0.1")).isInstanceOf(Success.class);
  }
}
