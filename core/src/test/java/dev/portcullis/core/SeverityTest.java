package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One severity serves vulnerabilities (which may be unrated) and checks (always rated low to critical). */
class SeverityTest {
  @Test
  void ordersLeastSevereFirst() {
    assertThat(Arrays.stream(Severity.values()).map(Severity::label))
        .containsExactly("unknown", "none", "low", "medium", "high", "critical");
  }

  @ParameterizedTest
  @CsvSource({"critical, CRITICAL", "Important, HIGH", "moderate, MEDIUM", "' negligible ', LOW", "unimportant, LOW", "minor, LOW",
      "none, NONE", "unknown, UNKNOWN", "'', UNKNOWN"})
  void parsesTheWordsDistributionsUse(String word, Severity expected) {
    assertThat(Severity.parse(word)).contains(expected);
  }

  @ParameterizedTest
  @CsvSource({"low, LOW", "MEDIUM, MEDIUM", "' High ', HIGH", "critical, CRITICAL"})
  void aCheckRatingIsOneOfFourWords(String word, Severity expected) {
    assertThat(Severity.parseRating(word)).contains(expected);
    assertThat(expected.isRating()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown", "none", "", "moderate", "important", "lowest"})
  void aCheckRatingRejectsEveryOtherWord(String word) {
    assertThat(Severity.parseRating(word)).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @CsvSource({"0.0, NONE", "0.1, LOW", "3.9, LOW", "4.0, MEDIUM", "6.9, MEDIUM", "7.0, HIGH", "8.9, HIGH", "9.0, CRITICAL", "10.0, CRITICAL"})
  void ratesACvssScoreByTheV3Bands(double score, Severity expected) {
    assertThat(Severity.ofScore(score)).isEqualTo(expected);
  }
}
