package dev.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.core.Identity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutated exceptions files are read or refused in one line, and an exception approved by its own
 * requester, however written, is never accepted.
 */
class ExceptionFileFuzzTest {
  private static final String[] BASES = {"approver-bob.yaml", "approver-alice-with-no-break-space.yaml", "approver-alice-in-fullwidth-letters.yaml",
      "approver-alice-in-capitals-and-spaces.yaml"};
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @TempDir Path tmp;

  static LongStream seeds() {
    return LongStream.range(0, 300).map(i -> 0x19_0008L * 1_000 + i);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aMutatedFileIsReadOrRefusedInOneLineAndNeverAcceptsSelfApproval(long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    String base = BASES[random.nextInt(BASES.length)];
    byte[] original = Files.readAllBytes(Path.of(getClass().getResource("exceptions/" + base).toURI()));
    int kind = (int) (seed % 8);
    byte[] mutated = mutate(kind, original, random);
    Path file = Files.write(tmp.resolve("fuzz.yaml"), mutated);
    ExceptionFile.Loaded loaded;
    try {
      loaded = ExceptionFile.read(file);
    } catch (IOException e) {
      assertThat(e.getMessage()).as("mutation " + kind + " of " + base).startsWith("read exceptions " + file + ": ").doesNotContain("\n").doesNotContain("\r");
      return;
    }
    for (PolicyException e : loaded.exceptions()) {
      assertThat(Identity.of(e.requester()).sameAs(Identity.of(e.approver()))).as("mutation " + kind + " of " + base + ":\n"
          + new String(mutated, StandardCharsets.UTF_8)).isFalse();
    }
  }

  private static byte[] mutate(int kind, byte[] document, SplittableRandom random) throws IOException {
    String text = new String(document, StandardCharsets.UTF_8);
    return switch (kind) {
      case 0 -> {
        byte[] out = document.clone();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
          out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
        }
        yield out;
      }
      case 1 -> Arrays.copyOf(document, random.nextInt(document.length));
      case 2 -> tree(document, random, random.nextBoolean() ? NODES.arrayNode().add("alice") : NODES.numberNode(random.nextLong()));
      case 3 -> text.replace("approver: ", "approver: " + "[".repeat(random.nextInt(10, 3000))).getBytes(StandardCharsets.UTF_8);
      case 4 -> tree(document, random, NODES.textNode("alice" + "\u00a0".repeat(1 << random.nextInt(4, 19))));
      case 5 -> text.replace("    owner:", "    x-" + Integer.toHexString(random.nextInt()) + ": alice\n    owner:").getBytes(StandardCharsets.UTF_8);
      case 6 -> text.replaceFirst("    approver: ([^\n]*)\n", "    approver: $1\n    approver: carol\n").getBytes(StandardCharsets.UTF_8);
      default -> ("a: &a [\"alice\", \"alice\"]\n" + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n".repeat(1) + text)
          .getBytes(StandardCharsets.UTF_8);
    };
  }

  /** Replaces one value of the tree (chosen at random) with {@code value}, written back as YAML. */
  private static byte[] tree(byte[] document, SplittableRandom random, JsonNode value) throws IOException {
    JsonNode root = YAML.readTree(document);
    List<Runnable> slots = new ArrayList<>();
    collect(root, value, slots);
    slots.get(random.nextInt(slots.size())).run();
    return YAML.writeValueAsBytes(root);
  }

  private static void collect(JsonNode node, JsonNode value, List<Runnable> slots) {
    if (node instanceof ObjectNode o) {
      for (var e : o.properties()) {
        slots.add(() -> o.set(e.getKey(), value));
        collect(e.getValue(), value, slots);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        int at = i;
        slots.add(() -> a.set(at, value));
        collect(a.get(i), value, slots);
      }
    }
  }
}
