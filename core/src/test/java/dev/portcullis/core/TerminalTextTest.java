package dev.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      plain                => /usr/bin/env
      space and letters    => /opt/Café Ωmega/日本
      backslash            => a\\\\b
      newline              => a\\nb
      carriage return      => a\\rb
      tab                  => a\\tb
      escape sequence      => \\033[31mred\\033[0m
      other C0             => \\000\\001\\037
      DEL                  => \\177
      C1 CSI               => \\u009b31m
      bidi override        => evil\\u202efdp.exe
      zero width space     => ad\\u200bmin
      byte order mark      => \\ufeffx
      line separator       => a\\u2028b
      tag character        => a\\U000e0041b
      """)
  void escapesAsDocumented(String what, String expected) {
    assertThat(TerminalText.escape(RAW.get(what))).isEqualTo(expected);
  }

  private static final Map<String, String> RAW = new HashMap<>();

  static {
    RAW.put("plain", "/usr/bin/env");
    RAW.put("space and letters", "/opt/Café Ωmega/日本");
    RAW.put("backslash", "a\\b");
    RAW.put("newline", "a\nb");
    RAW.put("carriage return", "a\rb");
    RAW.put("tab", "a\tb");
    RAW.put("escape sequence", "\033[31mred\033[0m");
    RAW.put("other C0", "\0\1\037");
    RAW.put("DEL", "\177");
    RAW.put("C1 CSI", "\u009b31m");
    RAW.put("bidi override", "evil\u202efdp.exe");
    RAW.put("zero width space", "ad\u200bmin");
    RAW.put("byte order mark", "\ufeffx");
    RAW.put("line separator", "a\u2028b");
    RAW.put("tag character", "a" + Character.toString(0xe0041) + "b");
  }

  @Test
  void aLoneSurrogateIsEscapedNotDropped() {
    assertThat(TerminalText.escape("a\ud800b")).isEqualTo("a\\ud800b");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void randomTextComesOutPrintableAndDistinct(long seed) {
    Random random = new Random(seed);
    Map<String, String> seen = new HashMap<>();
    for (int n = 0; n < 2_000; n++) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(8);
      for (int i = 0; i < length; i++) {
        // mostly the interesting ranges: C0, C1, backslash, format characters, plus any code point
        int cp = switch (random.nextInt(5)) {
          case 0 -> random.nextInt(0x20);
          case 1 -> 0x7f + random.nextInt(0x21);
          case 2 -> '\\';
          case 3 -> 0x2000 + random.nextInt(0x70);
          default -> random.nextInt(Character.MAX_CODE_POINT + 1);
        };
        sb.appendCodePoint(cp);
      }
      String raw = sb.toString();
      String shown = TerminalText.escape(raw);
      assertThat(shown.codePoints()).as(raw).allSatisfy(cp -> {
        assertThat(cp).isGreaterThanOrEqualTo(0x20).isNotEqualTo(0x7f);
        assertThat(Character.getType(cp)).isNotIn((int) Character.CONTROL, (int) Character.FORMAT, (int) Character.LINE_SEPARATOR,
            (int) Character.PARAGRAPH_SEPARATOR, (int) Character.SURROGATE);
      });
      String before = seen.putIfAbsent(shown, raw);
      assertThat(before == null || before.equals(raw)).as("%s and %s both show as %s", before, raw, shown).isTrue();
    }
  }
}
