package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class IdentityTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      plain                       | alice
      capitals and spaces         | ` Alice `
      no-break space              | `alice\u00a0`
      ideographic space           | `\u3000alice`
      dotless i                   | al\u0131ce
      spaces inside               | a l i c e
      fullwidth                   | \uff41\uff4c\uff49\uff43\uff45
      fullwidth capitals          | \uff21\uff2c\uff29\uff23\uff25
      mathematical bold           | \ud835\udc1a\ud835\udc25\ud835\udc22\ud835\udc1c\ud835\udc1e
      circled                     | \u24d0\u24db\u24d8\u24d2\u24d4
      """)
  void lookAlikesOfAliceAreAlice(String how, String text) {
    assertThat(Identity.of(text).sameAs(Identity.of("alice"))).as(how).isTrue();
    assertThat(Identity.of(text)).isEqualTo(Identity.of("alice")).hasSameHashCodeAs(Identity.of("alice"));
    assertThat(Identity.of(text).text()).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      sharp s and ss              | stra\u00dfe                          | STRASSE
      ligature                    | \ufb01ona                            | fiona
      e-mail case                 | Bob@Example.COM                      | bob@example.com
      combining acute and precomposed | jose\u0301                       | jos\u00e9
      kana and fullwidth digits   | \u3084\u307e\u3060\uff11            | \u3084\u307e\u3060 1
      """)
  void foldingAndCompatibilityForms(String how, String a, String b) {
    assertThat(Identity.of(a).sameAs(Identity.of(b))).as(how).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      different people  | alice   | alicia
      accent            | jose    | jos\u00e9
      """)
  void differentPeopleStayDifferent(String how, String a, String b) {
    assertThat(Identity.of(a).sameAs(Identity.of(b))).as(how).isFalse();
  }

  @ParameterizedTest(name = "U+{0}")
  @CsvSource({"0000, a control character", "0007, a control character", "001B, a control character", "007F, a control character",
      "0085, a control character", "00AD, an invisible format character", "061C, an invisible format character",
      "200B, an invisible format character", "200C, an invisible format character", "200D, an invisible format character",
      "200E, an invisible format character", "200F, an invisible format character", "202E, an invisible format character",
      "2060, an invisible format character", "2066, an invisible format character", "FEFF, an invisible format character",
      "034F, an invisible character", "115F, an invisible character", "180B, an invisible character", "3164, an invisible character",
      "FE0F, an invisible character", "FFA0, an invisible character", "E0041, an invisible format character", "E0100, an invisible character",
      "1D173, an invisible format character", "D800, half of a surrogate pair"})
  void invisibleAndControlCharactersAreRefused(String hex, String kind) {
    String c = new String(Character.toChars(Integer.parseInt(hex, 16)));
    assertThatThrownBy(() -> Identity.of("ali" + c + "ce")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contains U+" + hex + " (" + kind + ")");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      cyrillic a in latin       | \u0430lice                   | mixes the scripts [cyrillic, latin] (letters that look alike)
      greek omicron in latin    | b\u03bfb                     | mixes the scripts [greek, latin] (letters that look alike)
      only spaces               | `\u00a0 \u3000`              | is empty once white space is removed
      empty                     | ``                           | is empty once white space is removed
      """)
  void lookAlikeScriptsAndEmptyIdentitiesAreRefused(String how, String text, String message) {
    assertThatThrownBy(() -> Identity.of(text == null ? "" : text)).as(how).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({"\u5c71\u7530\u592a\u90ce, \u3084\u307e\u3060", "\u5c71\u7530 taro, yamada", "\uae40\ubbfc\uc218, kim", "\u0438\u0432\u0430\u043d, ivan"})
  void singleScriptsAndTheUsualMixesAreAccepted(String a, String b) {
    assertThat(Identity.of(a).sameAs(Identity.of(b))).isFalse();
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 200).mapToObj(i -> 0x1D5EL * 7919 + i);
  }

  /** Whatever the text, {@code of} accepts it with a key that is its own fixed point, or refuses it in one line. */
  @ParameterizedTest
  @MethodSource("seeds")
  void anyTextIsAcceptedWithAStableKeyOrRefusedInOneLine(long seed) {
    Random random = new Random(seed);
    StringBuilder b = new StringBuilder();
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      int c = switch (random.nextInt(4)) {
        case 0 -> 'a' + random.nextInt(26);
        case 1 -> random.nextInt(0x3000);
        case 2 -> 0xFF00 + random.nextInt(0x100);
        default -> random.nextInt(Character.MAX_CODE_POINT + 1);
      };
      b.appendCodePoint(c);
    }
    String text = b.toString();
    Identity id;
    try {
      id = Identity.of(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).doesNotContain("\n").isNotEmpty();
      return;
    }
    assertThat(id.key()).isNotEmpty().doesNotContainAnyWhitespaces();
    // the same text in capitals, between spaces, is the same identity
    assertThat(Identity.of(" " + text.toUpperCase(Locale.ROOT) + "\u00a0")).isEqualTo(id);
  }
}
