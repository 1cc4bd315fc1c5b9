package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The automaton finds exactly what a plain search for every keyword at every position finds, ignoring case. */
class KeywordIndexTest {
  /** Letters keywords share prefixes and suffixes in, upper-case ones, punctuation, a non-ASCII letter and the Kelvin sign (lower case: k). */
  private static final String ALPHABET = "abkKAB-_:é\u212A ";
  /** Fewer letters for keywords, so that one is often a suffix or a prefix of another. */
  private static final String KEY_ALPHABET = "abAk\u212A";

  /** Every occurrence as "end:keyword", found by comparing at every position. */
  static List<String> naive(List<String> keywords, String text) {
    List<String> out = new ArrayList<>();
    for (int end = 1; end <= text.length(); end++) {
      for (int k = 0; k < keywords.size(); k++) {
        String w = keywords.get(k).toLowerCase(Locale.ROOT);
        int start = end - w.length();
        boolean match = start >= 0;
        for (int j = 0; match && j < w.length(); j++) {
          match = Character.toLowerCase(text.charAt(start + j)) == w.charAt(j);
        }
        if (match) {
          out.add(end + ":" + k);
        }
      }
    }
    return out;
  }

  static List<String> found(KeywordIndex index, String text) {
    List<String> out = new ArrayList<>();
    index.scan(text, (k, end) -> out.add(end + ":" + k));
    return out;
  }

  static String random(Random r, String alphabet, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** Drawn from one generator: neighbouring seeds would start java.util.Random off alike. */
  static Stream<Long> seeds() {
    return new Random(0x5eed).longs(200).boxed();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void findsWhatAPlainSearchFinds(long seed) {
    Random r = new Random(seed);
    List<String> keywords = new ArrayList<>();
    for (int i = 1 + r.nextInt(8); i > 0; i--) {
      keywords.add(random(r, KEY_ALPHABET, 1 + r.nextInt(4)));
    }
    KeywordIndex index = KeywordIndex.of(keywords);
    String text = random(r, ALPHABET, r.nextInt(300));
    List<String> expected = naive(keywords, text);
    // one end position lists its keywords longest first; compare as sets per position
    assertThat(found(index, text)).as("keywords %s in '%s'", keywords, text).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(index.anyIn(text)).isEqualTo(!expected.isEmpty());
  }

  @Test
  void overlappingAndNestedKeywordsAreAllReported() {
    KeywordIndex index = KeywordIndex.of(List.of("he", "she", "his", "hers", "AKIA"));
    assertThat(found(index, "uSHErs akia")).containsExactly("4:1", "4:0", "6:3", "11:4");
    assertThat(index.anyIn("nothing here")).isTrue();
    assertThat(index.anyIn("nothing")).isFalse();
    assertThat(index.anyIn("")).isFalse();
  }
}
