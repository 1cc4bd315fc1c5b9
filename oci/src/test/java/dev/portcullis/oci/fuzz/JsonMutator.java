package dev.portcullis.oci.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Makes one seeded mistake in an OCI JSON document: a dropped field, a value of the wrong type, a
 * wrong digest or size, an unknown media type, a huge number, deep nesting, or broken text.
 * Values JSON trees cannot hold (1e400, nesting 100000 deep) are spliced into the text.
 */
final class JsonMutator implements LayoutModel.Edit {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> INTERESTING =
      Set.of("digest", "size", "mediaType", "manifests", "layers", "config", "rootfs", "diff_ids", "schemaVersion",
          "platform", "os", "architecture", "annotations", "history", "urls");
  private static final String HEX = "0123456789abcdef";

  private final Random random;
  private final List<String> knownDigests;
  private final Map<String, String> raw = new HashMap<>();
  private final StringBuilder description = new StringBuilder();

  /** @param knownDigests digests of blobs that exist in the layout, to point descriptors at the wrong one */
  JsonMutator(Random random, List<String> knownDigests) {
    this.random = random;
    this.knownDigests = knownDigests;
  }

  String description() {
    return description.toString();
  }

  @Override
  public byte[] apply(ObjectNode document) throws IOException {
    if (random.nextInt(10) < 7) {
      mutateTree(document);
      String text = LayoutModel.JSON.writeValueAsString(document);
      for (var e : raw.entrySet()) {
        text = text.replace("\"" + e.getKey() + "\"", e.getValue());
      }
      return text.getBytes(StandardCharsets.UTF_8);
    }
    return mutateText(LayoutModel.JSON.writeValueAsBytes(document));
  }

  private record Slot(ContainerNode<?> parent, String field, int index, JsonNode value, String path) {
    void set(JsonNode v) {
      if (parent instanceof ObjectNode o) {
        o.set(field, v);
      } else {
        ((ArrayNode) parent).set(index, v);
      }
    }

    void remove() {
      if (parent instanceof ObjectNode o) {
        o.remove(field);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private static void collect(JsonNode node, String path, List<Slot> out) {
    if (node instanceof ObjectNode o) {
      for (var it = o.properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        String p = path + "." + e.getKey();
        out.add(new Slot(o, e.getKey(), -1, e.getValue(), p));
        collect(e.getValue(), p, out);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        String p = path + "[" + i + "]";
        out.add(new Slot(a, "", i, a.get(i), p));
        collect(a.get(i), p, out);
      }
    }
  }

  private void mutateTree(ObjectNode doc) {
    List<Slot> slots = new ArrayList<>();
    collect(doc, "$", slots);
    List<Slot> interesting = slots.stream().filter(s -> INTERESTING.contains(s.field())).toList();
    Slot s = !interesting.isEmpty() && random.nextInt(3) > 0 ? pick(interesting) : pick(slots);
    String op;
    switch (random.nextInt(10)) {
      case 0 -> {
        op = "dropped";
        s.remove();
      }
      case 1 -> {
        op = "wrong type";
        s.set(wrongType(s.value()));
      }
      case 2 -> {
        op = "wrong digest";
        s.set(NODES.textNode(digest()));
      }
      case 3 -> {
        op = "wrong size";
        s.set(size(s.value()));
      }
      case 4 -> {
        op = "unknown media type";
        s.set(NODES.textNode(pick(List.of("application/vnd.oci.image.layer.v1.tar+bzip2", "application/octet-stream",
            "text/html", "", "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.example+tar", "x".repeat(5000)))));
      }
      case 5 -> {
        op = "huge number";
        s.set(splice(pick(List.of("1e400", "-1e400", "9".repeat(30), "9".repeat(1100), "18446744073709551616",
            "9223372036854775807", "-9223372036854775808", "-0", "1.5", "1E2", "4.9e-324", "2147483648"))));
      }
      case 6 -> {
        op = "deep nesting";
        int depth = pick(List.of(20, 65, 1000, 100_000));
        s.set(splice(random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
      }
      case 7 -> {
        op = "odd string";
        s.set(NODES.textNode(pick(List.of(" ", "\t", "\n", "a\nb", "\u0000", "\u202e", "..", "../../x", "sha256:\n", "ä", "x".repeat(300_000)))));
      }
      case 8 -> {
        op = "container emptied or filled";
        s.set(pick(List.of(NODES.arrayNode(), NODES.objectNode(), manyCopies(s.value()))));
      }
      default -> {
        op = "another blob's digest";
        if (s.parent() instanceof ObjectNode o && o.has("digest") && !knownDigests.isEmpty()) {
          o.put("digest", pick(knownDigests));
        } else {
          s.set(NODES.textNode(knownDigests.isEmpty() ? digest() : pick(knownDigests)));
        }
      }
    }
    description.append(op).append(" at ").append(s.path());
  }

  private JsonNode manyCopies(JsonNode v) {
    ArrayNode a = NODES.arrayNode();
    int n = pick(List.of(2, 3, 300));
    for (int i = 0; i < n; i++) {
      a.add(v.deepCopy());
    }
    return a;
  }

  private JsonNode wrongType(JsonNode v) {
    List<JsonNode> options = new ArrayList<>(List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(7),
        NODES.textNode("7"), NODES.arrayNode(), NODES.objectNode(), NODES.numberNode(-1)));
    options.removeIf(o -> o.getNodeType() == v.getNodeType());
    return pick(options);
  }

  private String digest() {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      hex.append(HEX.charAt(random.nextInt(16)));
    }
    return pick(List.of("sha256:" + hex, "sha256:" + hex.toString().toUpperCase(java.util.Locale.ROOT), "sha512:" + hex,
        "sha512:" + hex + hex, "md5:" + hex.substring(0, 32), "sha256:" + hex.substring(1), "", "sha256", ":", "sha256:",
        "sha256:../../../etc/passwd", "sha256:" + hex + "/../x"));
  }

  private JsonNode size(JsonNode v) {
    long base = v.canConvertToLong() ? v.asLong() : 100;
    return pick(List.of(NODES.numberNode(base + 1), NODES.numberNode(base - 1), NODES.numberNode(0), NODES.numberNode(-1),
        NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(1.5), NODES.textNode(String.valueOf(base)), splice("1e30")));
  }

  private JsonNode splice(String text) {
    String marker = "@@raw" + raw.size() + "@@";
    raw.put(marker, text);
    return NODES.textNode(marker);
  }

  private byte[] mutateText(byte[] json) {
    switch (random.nextInt(8)) {
      case 0 -> {
        int at = random.nextInt(json.length + 1);
        description.append("text cut at ").append(at);
        return java.util.Arrays.copyOf(json, at);
      }
      case 1 -> {
        int flips = 1 + random.nextInt(4);
        description.append(flips).append(" bytes replaced");
        byte[] b = json.clone();
        for (int i = 0; i < flips && b.length > 0; i++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
      }
      case 2 -> {
        description.append("byte order mark");
        return concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, json);
      }
      case 3 -> {
        description.append("invalid UTF-8 inside a string");
        String s = new String(json, StandardCharsets.UTF_8);
        int quote = s.indexOf('"');
        byte[] head = s.substring(0, quote + 1).getBytes(StandardCharsets.UTF_8);
        return concat(concat(head, new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff}), s.substring(quote + 1).getBytes(StandardCharsets.UTF_8));
      }
      case 4 -> {
        String whole = pick(List.of("", "null", "[]", "{}", "\"text\"", "42", " ", "{\"manifests\":null}"));
        description.append("whole document is '").append(whole).append("'");
        return whole.getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> {
        description.append("trailing garbage");
        return concat(json, pick(List.of("}", " garbage", "{}", "\u0000", "]]]]")).getBytes(StandardCharsets.UTF_8));
      }
      case 6 -> {
        description.append("document nested 100000 deep");
        return ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        description.append("NUL bytes inserted");
        byte[] b = json.clone();
        b[random.nextInt(b.length)] = 0;
        return b;
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
