package dev.portcullis.admission.json.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.rules.yaml.YamlDocuments;
import dev.portcullis.rules.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A JSON tree taken as YAML without its text is the tree its text parses to, apart from positions. */
class JsonTreesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"hostPID\":true,\"containers\":[{\"name\":\"a\","
          + "\"image\":\"x\",\"securityContext\":{\"runAsUser\":0,\"privileged\":\"true\",\"capabilities\":{\"add\":[\"NET_ADMIN\"]}}}]}}",
      "{\"a\":null,\"b\":[],\"c\":{},\"d\":-12,\"e\":1.5,\"f\":\"yes\",\"g\":\"null\",\"h\":false,\"i\":\"0755\",\"j\":\"\"}",
      "[1,\"1\",true,\"true\",null,[[]],{\"k\":{\"l\":[{\"m\":\"n\"}]}}]",
  })
  void givesTheTreeItsTextParsesTo(String text) throws Exception {
    assertSameTree(text);
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 200).mapToObj(i -> 0x5EEDL * 31 + i);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void givesTheTreeItsTextParsesToForRandomJson(long seed) throws Exception {
    assertSameTree(JSON.writeValueAsString(random(new Random(seed), 0)));
  }

  @ParameterizedTest
  @ValueSource(ints = {101, 500})
  void refusesTreesNestedDeeperThanTheYamlReaderReads(int depth) {
    JsonNode deep = F.textNode("leaf");
    for (int i = 0; i < depth; i++) {
      ArrayNode a = F.arrayNode();
      a.add(deep);
      deep = a;
    }
    YamlDocuments docs = JsonTrees.documents("deep.json", deep);
    assertThat(docs.documents()).isEmpty();
    assertThat(docs.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("nested deeper than 100"));
  }

  private static void assertSameTree(String text) throws Exception {
    YamlDocuments parsed = YamlDocuments.parse("x.json", text);
    YamlDocuments converted = JsonTrees.documents("x.json", JSON.readTree(text));
    assertThat(parsed.problems()).isEmpty();
    assertThat(converted.problems()).isEmpty();
    assertThat(converted.documents()).hasSize(1);
    assertThat(withoutPositions(converted.documents().getFirst())).isEqualTo(withoutPositions(parsed.documents().getFirst()));
  }

  /** Maps, lists and (value, kind) pairs: what a check can read of a node. */
  private static Object withoutPositions(YamlNode n) {
    return switch (n) {
      case YamlNode.YMap m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, withoutPositions(v)));
        yield out;
      }
      case YamlNode.YList l -> {
        List<Object> out = new ArrayList<>();
        l.items().forEach(i -> out.add(withoutPositions(i)));
        yield out;
      }
      case YamlNode.YScalar s -> List.of(String.valueOf(s.value()), s.kind());
    };
  }

  private static JsonNode random(Random r, int depth) {
    int pick = depth > 4 ? 2 + r.nextInt(5) : r.nextInt(7);
    return switch (pick) {
      case 0 -> {
        ObjectNode o = F.objectNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          o.set(word(r), random(r, depth + 1));
        }
        yield o;
      }
      case 1 -> {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.add(random(r, depth + 1));
        }
        yield a;
      }
      case 2 -> F.textNode(word(r));
      case 3 -> F.numberNode(r.nextInt(2_000_001) - 1_000_000);
      case 4 -> F.booleanNode(r.nextBoolean());
      case 5 -> F.nullNode();
      default -> F.textNode(List.of("true", "no", "~", "null", "1.0", "0x1F", "", " a ", "key: value", "- x", "#c").get(r.nextInt(11)));
    };
  }

  private static String word(Random r) {
    String letters = "abcxyzé-_.:/ 0";
    StringBuilder b = new StringBuilder();
    for (int i = 1 + r.nextInt(6); i > 0; i--) {
      b.append(letters.charAt(r.nextInt(letters.length())));
    }
    return b.toString();
  }
}
