package dev.portcullis.server.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Verifies an export ({@link AuditLog#export}) line by line, in bounded memory. */
final class ExportReader {
  /** A longer line is not one we wrote (a record's fields are bounded to a few KiB). */
  static final int MAX_LINE_BYTES = 1 << 20;

  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Set<String> RECORD_KEYS = new TreeSet<>(List.of("seq", "time", "actorId", "actorName", "actorKind", "source", "action",
      "target", "outcome", "reason", "prev", "hash"));
  private static final Set<String> CHECKPOINT_KEYS = new TreeSet<>(List.of("seq", "hash", "keyId", "signature", "time"));

  private ExportReader() {}

  static Verification verify(InputStream in, List<PublicKey> trusted) throws IOException {
    ChainVerifier v = new ChainVerifier(trusted);
    ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    long lineNumber = 0;
    byte[] buffer = new byte[1 << 16];
    boolean tooLong = false;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] != '\n') {
          continue;
        }
        lineNumber++;
        if (!tooLong && line.size() + (i - start) <= MAX_LINE_BYTES) {
          line.write(buffer, start, i - start);
          if (!feed(v, lineNumber, line.toByteArray())) {
            return v.finish(null);
          }
        } else if (!v.malformed("line " + lineNumber, "longer than " + MAX_LINE_BYTES + " bytes")) {
          return v.finish(null);
        }
        line.reset();
        tooLong = false;
        start = i + 1;
      }
      if (!tooLong && line.size() + (n - start) <= MAX_LINE_BYTES) {
        line.write(buffer, start, n - start);
      } else {
        tooLong = true;
        line.reset();
      }
    }
    if (tooLong) {
      v.malformed("line " + (lineNumber + 1), "longer than " + MAX_LINE_BYTES + " bytes");
    } else if (line.size() > 0) {
      feed(v, lineNumber + 1, line.toByteArray());
    }
    return v.finish(null);
  }

  private static boolean feed(ChainVerifier v, long lineNumber, byte[] bytes) {
    String where = "line " + lineNumber;
    JsonNode node;
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      node = JSON.readTree(text);
    } catch (CharacterCodingException e) {
      return v.malformed(where, "not UTF-8");
    } catch (JsonProcessingException e) {
      return v.malformed(where, "not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
    }
    if (node == null || !node.isObject()) {
      return v.malformed(where, "not a JSON object");
    }
    if (node.size() == 1 && node.has("checkpoint")) {
      JsonNode c = node.get("checkpoint");
      if (!c.isObject() || !keys(c).equals(CHECKPOINT_KEYS)) {
        return v.malformed(where, "a checkpoint needs exactly the members " + CHECKPOINT_KEYS);
      }
      try {
        return v.checkpoint(new Checkpoint(seq(c), text(c, "hash"), text(c, "keyId"), text(c, "signature"),
            Instant.parse(text(c, "time"))));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        return v.malformed(where, "not a checkpoint: " + e.getMessage());
      }
    }
    if (!keys(node).equals(RECORD_KEYS)) {
      return v.malformed(where, "a record needs exactly the members " + RECORD_KEYS);
    }
    try {
      return v.record(new Row(seq(node), text(node, "time"), text(node, "actorId"), text(node, "actorName"), text(node, "actorKind"),
          text(node, "source"), text(node, "action"), text(node, "target"), text(node, "outcome"), text(node, "reason"), text(node, "prev"),
          text(node, "hash")));
    } catch (IllegalArgumentException e) {
      return v.malformed(where, "not a record: " + e.getMessage());
    }
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> keys = new TreeSet<>();
    for (Iterator<String> i = node.fieldNames(); i.hasNext(); ) {
      keys.add(i.next());
    }
    return keys;
  }

  private static long seq(JsonNode node) {
    JsonNode seq = node.get("seq");
    if (!seq.isIntegralNumber() || !seq.canConvertToLong()) {
      throw new IllegalArgumentException("seq is not an integer");
    }
    return seq.longValue();
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(name + " is not a string");
    }
    return value.textValue();
  }
}
