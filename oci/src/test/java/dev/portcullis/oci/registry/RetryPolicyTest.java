package dev.portcullis.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @ParameterizedTest
  @CsvSource({"0,0", "3,3", "' 120 ',120", "9999999999,999999999"})
  void retryAfterSeconds(String value, long seconds) {
    assertThat(RetryPolicy.parseRetryAfter(value, NOW)).contains(Duration.ofSeconds(seconds));
  }

  @Test
  void retryAfterHttpDate() {
    assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", NOW)).contains(Duration.ofSeconds(30));
    assertThat(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @ParameterizedTest
  @CsvSource({"''", "soon", "-5", "1.5", "21 Oct 2015"})
  void retryAfterGarbageIsIgnored(String value) {
    assertThat(RetryPolicy.parseRetryAfter(value, NOW)).isEmpty();
  }

  @Test
  void backoffDoublesFrom200MillisUpTo10Seconds() {
    RetryPolicy p = RetryPolicy.of(10);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(p.backoff(6)).isEqualTo(Duration.ofMillis(6400));
    assertThat(p.backoff(7)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.backoff(100)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void retryAfterWinsUnlessItAsksTooMuch() {
    RetryPolicy p = RetryPolicy.of(5);
    assertThat(p.delay(1, Optional.of(Duration.ofSeconds(7)))).contains(Duration.ofSeconds(7));
    assertThat(p.delay(3, Optional.empty())).contains(Duration.ofMillis(800));
    assertThat(p.delay(1, Optional.of(Duration.ofHours(1)))).isEmpty();
  }

  @Test
  void only429And5xxAreRetryable() {
    assertThat(RetryPolicy.retryable(429)).isTrue();
    assertThat(RetryPolicy.retryable(500)).isTrue();
    assertThat(RetryPolicy.retryable(503)).isTrue();
    assertThat(RetryPolicy.retryable(400)).isFalse();
    assertThat(RetryPolicy.retryable(401)).isFalse();
    assertThat(RetryPolicy.retryable(404)).isFalse();
    assertThat(RetryPolicy.retryable(200)).isFalse();
  }
}
