package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What dashboard sessions promise, whichever database holds them. */
abstract class SessionsContract extends StoreFixture {
  static final List<Grant> DEV = List.of(Grant.parse("developer:team/**"));

  Users users;
  Sessions sessions;

  @BeforeEach
  void openSessions() throws Exception {
    users = new Users(store, FAST, Users.LoginLimits.DEFAULTS);
    sessions = new Sessions(store, Sessions.Limits.DEFAULTS);
    users.create("alice", PASSWORD, DEV);
  }

  @Test
  void aSessionIsFoundByItsCookieAndCarriesACsrfTokenThatIsCheckedExactly() throws Exception {
    Sessions.Created created = sessions.create("alice", "10.0.0.1");
    assertThat(created.cookieValue()).matches("[A-Za-z0-9_-]{43}");
    assertThat(created.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(created.cookieValue());
    assertThat(created.toString() + created.session()).doesNotContain(created.cookieValue()).doesNotContain(created.csrfToken());

    Sessions.Session s = sessions.lookup(created.cookieValue(), "10.0.0.2").orElseThrow();
    assertThat(s.identity()).isEqualTo(Identity.user("alice", DEV, "10.0.0.2"));
    assertThat(s.csrfToken()).isEqualTo(created.csrfToken());
    assertThat(s.expiresAt()).isEqualTo(clock.millis() + Duration.ofMinutes(30).toMillis());
    assertThat(s.csrfMatches(created.csrfToken())).isTrue();
    assertThat(s.csrfMatches(null)).isFalse();
    assertThat(s.csrfMatches("")).isFalse();
    assertThat(s.csrfMatches(created.cookieValue())).isFalse();
    assertThat(s.csrfMatches(created.csrfToken().substring(1))).isFalse();

    Sessions.Created other = sessions.create("alice", "10.0.0.1");
    assertThat(other.csrfToken()).as("each session its own token").isNotEqualTo(created.csrfToken());
    assertThat(sessions.lookup(created.cookieValue().substring(1), "10.0.0.2")).isEmpty();
    assertThat(sessions.lookup("x".repeat(43), "10.0.0.2")).isEmpty();
    assertThat(sessions.lookup("' OR '1'='1", "10.0.0.2")).isEmpty();
  }

  @Test
  void aSessionEndsAfterThirtyIdleMinutesAndUseKeepsItAlive() throws Exception {
    String cookie = sessions.create("alice", "10.0.0.1").cookieValue();
    clock.advance(Duration.ofMinutes(29));
    assertThat(sessions.lookup(cookie, "10.0.0.1")).isPresent();
    clock.advance(Duration.ofMinutes(29));
    assertThat(sessions.lookup(cookie, "10.0.0.1")).as("58 minutes old, used 29 minutes ago").isPresent();
    clock.advance(Duration.ofMinutes(30));
    assertThat(sessions.lookup(cookie, "10.0.0.1")).isEmpty();
    clock.advance(Duration.ofMinutes(-20));
    assertThat(sessions.lookup(cookie, "10.0.0.1")).as("an expired session is gone, not just hidden").isEmpty();
  }

  @Test
  void useWithinAMinuteIsNotWrittenSoIdleTimeCountsFromTheLastWrite() throws Exception {
    String cookie = sessions.create("alice", "10.0.0.1").cookieValue();
    long created = clock.millis();
    clock.advance(Duration.ofSeconds(59));
    assertThat(sessions.lookup(cookie, "10.0.0.1").orElseThrow().lastSeenAt()).isEqualTo(created);
    clock.advance(Duration.ofSeconds(1));
    assertThat(sessions.lookup(cookie, "10.0.0.1").orElseThrow().lastSeenAt()).isEqualTo(clock.millis());
  }

  @Test
  void aSessionEndsTwelveHoursAfterLoginHoweverMuchItIsUsed() throws Exception {
    String cookie = sessions.create("alice", "10.0.0.1").cookieValue();
    for (int i = 0; i < 12 * 3 - 1; i++) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(sessions.lookup(cookie, "10.0.0.1")).as("after %d minutes", (i + 1) * 20).isPresent();
    }
    clock.advance(Duration.ofMinutes(20));
    assertThat(sessions.lookup(cookie, "10.0.0.1")).isEmpty();
  }

  @Test
  void logoutEndsTheSessionAndTheOldCookieNoLongerWorks() throws Exception {
    String cookie = sessions.create("alice", "10.0.0.1").cookieValue();
    String other = sessions.create("alice", "10.0.0.1").cookieValue();
    assertThat(sessions.logout(cookie)).isTrue();
    assertThat(sessions.lookup(cookie, "10.0.0.1")).isEmpty();
    assertThat(sessions.logout(cookie)).isFalse();
    assertThat(sessions.lookup(other, "10.0.0.1")).as("only that session").isPresent();
  }

  @Test
  void aPasswordChangeOrDisablingEndsEverySessionOfTheUser() throws Exception {
    users.create("bob", PASSWORD, DEV);
    String a1 = sessions.create("alice", "10.0.0.1").cookieValue();
    String a2 = sessions.create("alice", "10.0.0.2").cookieValue();
    String b = sessions.create("bob", "10.0.0.3").cookieValue();
    users.setPassword("alice", "a brand new passphrase");
    assertThat(sessions.lookup(a1, "10.0.0.1")).isEmpty();
    assertThat(sessions.lookup(a2, "10.0.0.2")).isEmpty();
    assertThat(sessions.lookup(b, "10.0.0.3")).isPresent();

    String a3 = sessions.create("alice", "10.0.0.1").cookieValue();
    users.disable("alice");
    assertThat(sessions.lookup(a3, "10.0.0.1")).isEmpty();
    users.enable("alice");
    assertThat(sessions.lookup(a3, "10.0.0.1")).as("enabling does not bring sessions back").isEmpty();
    assertThatThrownBy(() -> sessions.create("nobody", "10.0.0.1")).isInstanceOf(NoSuchElementException.class);
    users.disable("bob");
    assertThatThrownBy(() -> sessions.create("bob", "10.0.0.1")).isInstanceOf(IllegalStateException.class)
        .hasMessage("user bob is disabled");
  }

  @Test
  void aSessionCarriesTheGrantsTheUserHasNow() throws Exception {
    String cookie = sessions.create("alice", "10.0.0.1").cookieValue();
    users.setGrants("alice", List.of(Grant.everywhere(Role.VIEWER)));
    assertThat(sessions.lookup(cookie, "10.0.0.1").orElseThrow().identity().grants()).containsExactly(Grant.everywhere(Role.VIEWER));
  }

  @Test
  void aNewLoginEndsTheOldestSessionsBeyondTheLimit() throws Exception {
    Sessions two = new Sessions(store, new Sessions.Limits(Duration.ofMinutes(30), Duration.ofHours(12), 2));
    String first = two.create("alice", "10.0.0.1").cookieValue();
    clock.advance(Duration.ofSeconds(1));
    String second = two.create("alice", "10.0.0.1").cookieValue();
    clock.advance(Duration.ofSeconds(1));
    String third = two.create("alice", "10.0.0.1").cookieValue();
    assertThat(two.lookup(first, "10.0.0.1")).isEmpty();
    assertThat(two.lookup(second, "10.0.0.1")).isPresent();
    assertThat(two.lookup(third, "10.0.0.1")).isPresent();
  }

  @Test
  void purgingDeletesExpiredSessionsOnly() throws Exception {
    sessions.create("alice", "10.0.0.1");
    clock.advance(Duration.ofMinutes(20));
    String fresh = sessions.create("alice", "10.0.0.1").cookieValue();
    clock.advance(Duration.ofMinutes(15));
    assertThat(sessions.purgeExpired()).isEqualTo(1);
    assertThat(sessions.lookup(fresh, "10.0.0.1")).isPresent();
    assertThat(sessions.endAll("alice")).isEqualTo(1);
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new Sessions.Limits(Duration.ofHours(13), Duration.ofHours(12), 10))
        .hasMessage("auth.session.idle PT13H is not within 1 minute..auth.session.absolute (PT12H)");
    assertThatThrownBy(() -> new Sessions.Limits(Duration.ofMinutes(30), Duration.ofHours(12), 0))
        .hasMessage("auth.session.perUser 0 is not within 1..1000");
  }
}
