package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What API tokens promise, whichever database holds them. */
abstract class TokensContract extends StoreFixture {
  static final List<Grant> DEV = List.of(Grant.parse("developer:team/**"));

  Users users;
  Tokens tokens;

  @BeforeEach
  void openTokens() throws Exception {
    users = new Users(store, FAST, Users.LoginLimits.DEFAULTS);
    tokens = new Tokens(store, Tokens.DEFAULT_MAX_LIFETIME);
    users.create("alice", PASSWORD, DEV);
  }

  Instant in(Duration d) {
    return clock.instant().plus(d);
  }

  @Test
  void theSecretIsGivenOnceAndAuthenticatesAsTheToken() throws Exception {
    Tokens.Created ci = tokens.create("ci", "", List.of(Grant.parse("developer:team/app")), in(Duration.ofDays(30)));
    assertThat(ci.secret()).matches("pcs_[A-Za-z0-9_-]{43}");
    assertThat(ci.toString()).doesNotContain(ci.secret()).doesNotContain(ci.secret().substring(4));
    assertThat(tokens.list()).containsExactly(ci.token());
    assertThat(tokens.list().toString()).doesNotContain(ci.secret().substring(4));

    Identity who = tokens.authenticate(ci.secret(), "10.0.0.1").orElseThrow();
    assertThat(who).isEqualTo(Identity.token(ci.token().id(), "ci", "", List.of(Grant.parse("developer:team/app")), "10.0.0.1"));
    assertThat(who.principal()).as("a machine token is its own principal").isEqualTo("token:" + ci.token().id());

    Tokens.Created mine = tokens.create("laptop", "alice", DEV, in(Duration.ofDays(30)));
    assertThat(mine.secret()).isNotEqualTo(ci.secret());
    assertThat(tokens.authenticate(mine.secret(), "10.0.0.1").orElseThrow().principal())
        .as("a user's token is that user, for separation of duties").isEqualTo("user:alice");
  }

  @Test
  void secretsOfTheWrongShapeOrUnknownAreRefused() throws Exception {
    Tokens.Created ci = tokens.create("ci", "", DEV, in(Duration.ofDays(30)));
    for (String bad : List.of("", "pcs_", ci.secret().substring(4), ci.secret() + "A", ci.secret().replace("pcs_", "pcx_"),
        "pcs_" + "A".repeat(43), "pcs_' OR '1'='1")) {
      assertThat(tokens.authenticate(bad, "10.0.0.1")).as(bad).isEmpty();
    }
  }

  @Test
  void aTokenStopsAtItsExpiryAndExpiryIsBounded() throws Exception {
    Tokens.Created ci = tokens.create("ci", "", DEV, in(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1).minusMillis(1));
    assertThat(tokens.authenticate(ci.secret(), "10.0.0.1")).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.authenticate(ci.secret(), "10.0.0.1")).isEmpty();
    assertThatThrownBy(() -> tokens.create("ci", "", DEV, clock.instant())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("which is not in the future");
    assertThatThrownBy(() -> tokens.create("ci", "", DEV, in(Duration.ofDays(367)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 366 days from now");
    assertThatThrownBy(() -> tokens.create("ci", "", List.of(), in(Duration.ofDays(1)))).hasMessage("token ci has no grant");
    assertThatThrownBy(() -> tokens.create("CI token", "", DEV, in(Duration.ofDays(1)))).hasMessageContaining("is not a token name");
    assertThatThrownBy(() -> tokens.create("ci", "nobody", DEV, in(Duration.ofDays(1)))).isInstanceOf(NoSuchElementException.class)
        .hasMessage("no user nobody");
  }

  @Test
  void aRevokedTokenIsRefusedForGood() throws Exception {
    Tokens.Created ci = tokens.create("ci", "", DEV, in(Duration.ofDays(1)));
    Tokens.Created other = tokens.create("other", "", DEV, in(Duration.ofDays(1)));
    assertThat(tokens.revoke(ci.token().id())).isTrue();
    assertThat(tokens.revoke(ci.token().id())).isFalse();
    assertThat(tokens.revoke("no-such-id")).isFalse();
    assertThat(tokens.authenticate(ci.secret(), "10.0.0.1")).isEmpty();
    assertThat(tokens.authenticate(other.secret(), "10.0.0.1")).isPresent();
    assertThat(tokens.get(ci.token().id()).orElseThrow().revokedAt()).isEqualTo(clock.millis());
  }

  @Test
  void aTokenOfADisabledOwnerIsRefusedWhileTheOwnerIsDisabled() throws Exception {
    Tokens.Created mine = tokens.create("laptop", "alice", DEV, in(Duration.ofDays(1)));
    users.disable("alice");
    assertThat(tokens.authenticate(mine.secret(), "10.0.0.1")).isEmpty();
    assertThatThrownBy(() -> tokens.create("another", "alice", DEV, in(Duration.ofDays(1)))).isInstanceOf(IllegalStateException.class);
    users.enable("alice");
    assertThat(tokens.authenticate(mine.secret(), "10.0.0.1")).isPresent();
  }

  @Test
  void aUsersTokenNeverDoesMoreThanItsOwnerMayAtTheTimeOfUse() throws Exception {
    Tokens.Created wide = tokens.create("wide", "alice", List.of(Grant.everywhere(Role.DEVELOPER), Grant.everywhere(Role.OPERATOR)),
        in(Duration.ofDays(1)));
    Identity who = tokens.authenticate(wide.secret(), "10.0.0.1").orElseThrow();
    assertThat(who.grants()).as("developer within alice's team/**, and only what operator shares with her developer role")
        .containsExactly(Grant.parse("viewer:team/**"), Grant.parse("developer:team/**"));
    assertThat(Authorizer.allowed(who, Permission.SCAN, List.of("team/app"))).isTrue();
    assertThat(Authorizer.allowed(who, Permission.SCAN, List.of("other/app"))).isFalse();
    assertThat(Authorizer.allowed(who, Permission.MANAGE_REGISTRIES, List.of())).isFalse();

    users.setGrants("alice", List.of(Grant.everywhere(Role.VIEWER)));
    who = tokens.authenticate(wide.secret(), "10.0.0.1").orElseThrow();
    assertThat(who.grants()).containsExactly(Grant.everywhere(Role.VIEWER));
    assertThat(Authorizer.allowed(who, Permission.SCAN, List.of("team/app"))).isFalse();

    users.setGrants("alice", List.of());
    assertThat(tokens.authenticate(wide.secret(), "10.0.0.1").orElseThrow().grants()).isEmpty();
  }

  @Test
  void theLastUseIsWrittenAtMostOnceAMinute() throws Exception {
    Tokens.Created ci = tokens.create("ci", "", DEV, in(Duration.ofDays(1)));
    assertThat(tokens.get(ci.token().id()).orElseThrow().lastUsedAt()).isZero();
    tokens.authenticate(ci.secret(), "10.0.0.1");
    long first = clock.millis();
    assertThat(tokens.get(ci.token().id()).orElseThrow().lastUsedAt()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(59));
    tokens.authenticate(ci.secret(), "10.0.0.1");
    assertThat(tokens.get(ci.token().id()).orElseThrow().lastUsedAt()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(1));
    tokens.authenticate(ci.secret(), "10.0.0.1");
    assertThat(tokens.get(ci.token().id()).orElseThrow().lastUsedAt()).isEqualTo(clock.millis());
  }
}
