package dev.portcullis.vuln.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Seeded mutations of a valid JSON document, the ways a hostile or broken producer spoils one. */
enum Mutations {
  BYTE_FLIPS,
  TRUNCATION,
  TYPE_SWAP,
  DEEP_NESTING,
  HUGE_STRING,
  UNKNOWN_FIELDS,
  DUPLICATE_KEY;

  // deeper than any reader accepts, so the mutation itself must be able to write it
  private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamWriteConstraints(com.fasterxml.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(10_000).build()).build());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final java.util.Set<String> SCOPE_KEYS =
      java.util.Set.of("products", "subcomponents", "@id", "identifiers", "metadata", "component", "components", "purl", "bom-ref", "affects", "ref");

  byte[] apply(byte[] document, RandomGenerator random) throws IOException {
    return switch (this) {
      case BYTE_FLIPS -> {
        byte[] out = document.clone();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
          out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
        }
        yield out;
      }
      case TRUNCATION -> java.util.Arrays.copyOf(document, random.nextInt(document.length));
      case TYPE_SWAP -> tree(document, random, (node, r) -> randomValue(r));
      case DEEP_NESTING -> tree(document, random, (node, r) -> {
        JsonNode wrapped = node;
        for (int depth = r.nextBoolean() ? 10 + r.nextInt(100) : 900 + r.nextInt(2000); depth > 0; depth--) {
          wrapped = r.nextBoolean() ? NODES.arrayNode().add(wrapped) : NODES.objectNode().set("x", wrapped);
        }
        return wrapped;
      });
      case HUGE_STRING -> tree(document, random, (node, r) -> NODES.textNode("pkg:npm/" + "a".repeat(1 << (10 + r.nextInt(11)))));
      case UNKNOWN_FIELDS -> {
        JsonNode root = JSON.readTree(document);
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects, new ArrayList<>());
        for (int i = 1 + random.nextInt(5); i > 0 && !objects.isEmpty(); i--) {
          objects.get(random.nextInt(objects.size())).set("x-" + Integer.toHexString(random.nextInt()), randomValue(random));
        }
        yield JSON.writeValueAsBytes(root);
      }
      case DUPLICATE_KEY -> {
        // repeat one "key": value pair right after itself, with another value
        String text = new String(document, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([A-Za-z@_-]+)\"\\s*:\\s*(\"[^\"]*\"|[0-9]+)").matcher(text);
        List<int[]> pairs = new ArrayList<>();
        while (m.find()) {
          pairs.add(new int[] {m.start(), m.end(), m.start(1), m.end(1)});
        }
        int[] p = pairs.get(random.nextInt(pairs.size()));
        String key = text.substring(p[2], p[3]);
        yield (text.substring(0, p[1]) + ", \"" + key + "\": \"not_affected\"" + text.substring(p[1])).getBytes(StandardCharsets.UTF_8);
      }
    };
  }

  private interface Replacement {
    JsonNode replace(JsonNode node, RandomGenerator random);
  }

  /** Replaces one node of the tree (chosen at random among all of them, the root excepted). */
  private static byte[] tree(byte[] document, RandomGenerator random, Replacement replacement) throws IOException {
    JsonNode root = JSON.readTree(document);
    List<ObjectNode> objects = new ArrayList<>();
    List<Object[]> slots = new ArrayList<>();
    collect(root, objects, slots);
    // mostly a node that carries a statement's scope
    List<Object[]> scope = slots.stream().filter(sl -> sl[1] instanceof String key && SCOPE_KEYS.contains(key)).toList();
    Object[] slot = random.nextInt(4) > 0 && !scope.isEmpty() ? scope.get(random.nextInt(scope.size())) : slots.get(random.nextInt(slots.size()));
    if (slot[0] instanceof ObjectNode o) {
      o.set((String) slot[1], replacement.replace(o.get((String) slot[1]), random));
    } else {
      ArrayNode a = (ArrayNode) slot[0];
      a.set((Integer) slot[1], replacement.replace(a.get((Integer) slot[1]), random));
    }
    return JSON.writeValueAsBytes(root);
  }

  private static void collect(JsonNode node, List<ObjectNode> objects, List<Object[]> slots) {
    if (node instanceof ObjectNode o) {
      objects.add(o);
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        slots.add(new Object[] {o, e.getKey()});
        collect(e.getValue(), objects, slots);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        slots.add(new Object[] {a, i});
        collect(a.get(i), objects, slots);
      }
    }
  }

  private static JsonNode randomValue(RandomGenerator random) {
    return switch (random.nextInt(8)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(random.nextDouble() * 1e300);
      case 4 -> NODES.textNode("");
      case 5 -> NODES.textNode(Integer.toHexString(random.nextInt()) + "\u0000\u202e\n");
      case 6 -> NODES.arrayNode().add(random.nextInt()).addNull();
      default -> NODES.objectNode().put("@id", "pkg:oci/x").put("status", "not_affected");
    };
  }
}
