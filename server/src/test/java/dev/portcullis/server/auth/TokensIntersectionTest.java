package dev.portcullis.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The grants a user's token gets at use time: the intersection of its own with its owner's. */
class TokensIntersectionTest {
  private static final List<String> PATTERNS = List.of("**", "team/**", "team/*", "team/app", "team/app/**", "*/app", "other/**",
      "other/db", "team/app/web");
  private static final List<String> REPOSITORIES = List.of("team/app", "team/db", "team/app/web", "other/app", "other/db", "app", "x/y/z");

  @Test
  void intersectionsOfSimplePatterns() {
    assertThat(Tokens.intersect(List.of(Grant.parse("developer:**")), List.of(Grant.parse("developer:team/*"))))
        .containsExactly(Grant.parse("developer:team/*"));
    assertThat(Tokens.intersect(List.of(Grant.parse("developer:team/app")), List.of(Grant.parse("admin:**"))))
        .as("only what both roles allow").containsExactly(Grant.parse("viewer:team/app"));
    assertThat(Tokens.intersect(List.of(Grant.parse("auditor:**")), List.of(Grant.parse("admin:**"))))
        .containsExactly(Grant.parse("auditor:**"));
    assertThat(Tokens.intersect(List.of(Grant.parse("developer:team/*")), List.of(Grant.parse("developer:*/app"))))
        .as("two overlapping wildcards one glob cannot intersect: nothing").isEmpty();
    assertThat(Tokens.intersect(List.of(Grant.parse("developer:other/**")), List.of(Grant.parse("developer:team/**")))).isEmpty();
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 200).mapToObj(i -> 0x5eed0000L + i);
  }

  /** Whatever the grants, the intersection allows nothing that the token or the owner alone would not. */
  @ParameterizedTest
  @MethodSource("seeds")
  void theIntersectionNeverAllowsMoreThanEitherSide(long seed) {
    Random random = new Random(seed);
    List<Grant> token = randomGrants(random);
    List<Grant> owner = randomGrants(random);
    Identity t = Identity.token("t", "t", "", token, "");
    Identity o = Identity.user("o", owner, "");
    Identity both = Identity.token("t", "t", "o", Tokens.intersect(token, owner), "");
    for (Permission p : Permission.values()) {
      for (String r : REPOSITORIES) {
        if (Authorizer.allowed(both, p, List.of(r))) {
          assertThat(Authorizer.allowed(t, p, List.of(r)) && Authorizer.allowed(o, p, List.of(r)))
              .as("%s on %s: token %s, owner %s, intersection %s", p, r, token, owner, both.grants()).isTrue();
        }
      }
      if (Authorizer.allowed(both, p, List.of())) {
        assertThat(Authorizer.allowed(t, p, List.of()) && Authorizer.allowed(o, p, List.of())).isTrue();
      }
    }
    // and it keeps what both sides give in one grant of the same role over the same pattern
    for (Grant g : token) {
      if (owner.contains(g)) {
        for (String r : REPOSITORIES) {
          for (Permission p : g.role().permissions()) {
            if (g.covers(r)) {
              assertThat(Authorizer.allowed(both, p, List.of(r))).as("%s on %s kept", p, r).isTrue();
            }
          }
        }
      }
    }
  }

  private static List<Grant> randomGrants(Random random) {
    List<Grant> out = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      Role role = Role.values()[random.nextInt(Role.values().length)];
      List<String> patterns = new ArrayList<>();
      for (int j = 1 + random.nextInt(2); j > 0; j--) {
        patterns.add(PATTERNS.get(random.nextInt(PATTERNS.size())));
      }
      out.add(new Grant(role, patterns));
    }
    if (random.nextInt(4) == 0) {
      out.add(new Grant(Role.DEVELOPER, List.of("team/**")));
    }
    return out;
  }
}
