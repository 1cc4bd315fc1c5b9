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
  /**
   * Letters keywords share prefixes and suffixes in, upper-case ones, punctuation, non-ASCII letters
   * and the two characters past ASCII whose lower case is ASCII: the Kelvin sign (k) and the dotted
   * capital I (i).
   */
  private static final String ALPHABET = "abkKABiI-_:é\u00C9\u212A\u0130 ";
  /** Fewer letters for keywords, so that one is often a suffix or a prefix of another; some with a non-ASCII letter. */
  private static final String KEY_ALPHABET = "abAik\u212A";
  private static final String KEY_ALPHABET_NON_ASCII = "abAik\u212Aé";

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
    String alphabet = r.nextInt(4) == 0 ? KEY_ALPHABET_NON_ASCII : KEY_ALPHABET;
    for (int i = 1 + r.nextInt(8); i > 0; i--) {
      keywords.add(random(r, alphabet, 1 + r.nextInt(4)));
    }
    KeywordIndex index = KeywordIndex.of(keywords);
    String text = random(r, ALPHABET, r.nextInt(300));
    List<String> expected = naive(keywords, text);
    // one end position lists its keywords longest first; compare as sets per position
    assertThat(found(index, text)).as("keywords %s in '%s'", keywords, text).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(index.anyIn(text)).isEqualTo(!expected.isEmpty());
  }

  /** The characters past ASCII whose lower case is ASCII are exactly those the index knows, each with its lower case. */
  @Test
  void theCharactersFoldedToAsciiAreTheJdksOwn() {
    StringBuilder jdk = new StringBuilder();
    for (int c = 128; c <= Character.MAX_VALUE; c++) {
      char lower = Character.toLowerCase((char) c);
      if (lower < 128) {
        jdk.append((char) c).append(lower);
      }
    }
    assertThat(new String(KeywordIndex.FOLDED_TO_ASCII)).isEqualTo(jdk.toString());
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
