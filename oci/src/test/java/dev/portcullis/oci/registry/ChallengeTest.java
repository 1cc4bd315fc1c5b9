package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void bearerWithQuotedCommasInScope() {
    List<Challenge> cs = Challenge.parse(
        "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:app:pull,push\"");
    assertThat(cs).containsExactly(new Challenge("bearer", Map.of(
        "realm", "https://auth.example.com/token", "service", "registry.example.com", "scope", "repository:app:pull,push")));
  }

  @Test
  void schemeAndParameterNamesAreCaseInsensitiveAndSpacesAreAllowed() {
    Challenge c = Challenge.parse("BEARER  Realm = \"http://127.0.0.1:1/token\" ,  Service=svc").get(0);
    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).contains("http://127.0.0.1:1/token");
    assertThat(c.param("service")).contains("svc");
  }

  @Test
  void severalChallengesInOneHeader() {
    List<Challenge> cs = Challenge.parse("Basic realm=\"a, b\", Bearer realm=\"https://x/token\",service=\"y\"");
    assertThat(cs).extracting(Challenge::scheme).containsExactly("basic", "bearer");
    assertThat(cs.get(0).param("realm")).contains("a, b");
    assertThat(cs.get(1).param("service")).contains("y");
  }

  @Test
  void escapesInQuotedStringsAreUndone() {
    Challenge c = Challenge.parse("Bearer realm=\"https://x/t\",error=\"say \\\"hi\\\"\"").get(0);
    assertThat(c.param("error")).contains("say \"hi\"");
  }

  @Test
  void schemeWithoutParameters() {
    assertThat(Challenge.parse("Basic")).containsExactly(new Challenge("basic", Map.of()));
  }

  @Test
  void malformedTailIsDroppedNotThrown() {
    List<Challenge> cs = Challenge.parse("Bearer realm=\"https://x/t\", service=\"unterminated");
    assertThat(cs).hasSize(1);
    assertThat(cs.get(0).param("service")).contains("unterminated");
    assertThat(Challenge.parse(",,, =")).isEmpty();
  }

  @Test
  void preferredTakesBearerWithRealmOverBasic() {
    assertThat(Challenge.preferred(List.of("Basic realm=\"r\"", "Bearer realm=\"https://x/t\"")))
        .map(Challenge::scheme).contains("bearer");
    assertThat(Challenge.preferred(List.of("Bearer error=\"invalid_token\"", "Basic realm=\"r\"")))
        .map(Challenge::scheme).contains("basic");
    assertThat(Challenge.preferred(List.of("Negotiate abc"))).isEmpty();
  }
}
