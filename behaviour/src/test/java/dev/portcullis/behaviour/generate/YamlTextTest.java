package dev.portcullis.behaviour.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class YamlTextTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode readBack(String key, String value) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(key, value);
    doc.put("list", List.of(Map.of(key, value), value));
    return YAML.readTree(YamlText.of(doc));
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "False", "yes", "NO", "on", "Off", "y", "N", "null", "~", "", " ", "1", "-1", "0x1F",
      "0o17", "017", "1_000", "1e3", ".inf", "-.Inf", ".NaN", "1:20", "2026-12-07", "a: b", "a #b", "#c", "- x", "[x]",
      "{x}", "*ref", "&anchor", "!tag", "%x", "@x", "`x", "|", ">", "'q'", "\"q\"", "back\\slash", "two\nlines",
      "tab\there", "bell\u0007", "del\u007f", "next\u0085line", "ls\u2028x", "bom\ufeff", "ünï", "snowman ☃", "x ",
      "<<"})
  void everyStringReadsBackAsThatString(String value) throws IOException {
    JsonNode back = readBack(value, value);
    assertThat(back.get(value).isTextual()).isTrue();
    assertThat(back.get(value).asText()).isEqualTo(value);
    assertThat(back.at("/list/0").get(value).asText()).isEqualTo(value);
    assertThat(back.at("/list/1").asText()).isEqualTo(value);
  }

  static Stream<String> randomStrings() {
    Random random = new Random(17);
    String alphabet = "aZ09 .:-_/#'\"\\\n\t{}[],&*!|>%@`?~=\u00e9\u2028";
    return IntStream.range(0, 300).mapToObj(i -> {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(8); n > 0; n--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return s.toString();
    });
  }

  @ParameterizedTest
  @MethodSource("randomStrings")
  void randomStringsReadBackAsThemselves(String value) throws IOException {
    assertThat(readBack("k", value).get("k").asText()).isEqualTo(value);
  }

  @Test
  void plainWhereAUserWritesPlain() {
    assertThat(YamlText.of(Map.of("k", List.of("web", "app.kubernetes.io/name", "10.0.0.0/8", "10.0.0.1", "8080",
        "2001:db8::1/128")))).isEqualTo("""
        k:
        - web
        - app.kubernetes.io/name
        - 10.0.0.0/8
        - "10.0.0.1"
        - "8080"
        - "2001:db8::1/128"
        """);
  }

  @Test
  void aCommentIsOneLine() {
    assertThat(YamlText.comment("a\nkind: Secret\r\u2028x")).isEqualTo("# a?kind: Secret??x\n");
  }
}
