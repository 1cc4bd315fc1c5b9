package dev.portcullis.admission.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Bounded, strict JSON reading of what runtimes and storage write, and compact writing of what the hook writes. */
final class HookJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.INDENT_OUTPUT)
      .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
  }

  private HookJson() {}

  /** {@code bytes} as a JSON object; {@code what} names the document in the error. */
  static ObjectNode object(byte[] bytes, String what) throws HookInputException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new HookInputException(what + ": not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new HookInputException(what + ": " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new HookInputException(what + ": empty");
    }
    if (!(node instanceof ObjectNode o)) {
      throw new HookInputException(what + ": a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not an object");
    }
    return o;
  }

  /** The whole of {@code file}, at most {@code maxBytes}; a regular file only (no FIFO or device to block on). */
  static byte[] readFile(Path file, long maxBytes, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw Files.exists(file) ? new HookInputException("read " + what + " " + file + ": not a regular file")
          : new NoSuchFileException(file.toString(), null, "read " + what + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return readBounded(in, maxBytes, "read " + what + " " + file);
    }
  }

  /** All of {@code in}, refusing more than {@code maxBytes}. */
  static byte[] readBounded(InputStream in, long maxBytes, String what) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      throw new HookInputException(what + ": more than " + maxBytes + " bytes");
    }
    return bytes;
  }

  /** A text field, or empty text when absent or not text. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : "";
  }
}
