package dev.portcullis.oci.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** The one configured JSON mapper (immutable once built) and strict tree parsing. */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private Json() {}

  private static String where(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /** Parses {@code bytes} as one JSON object; the message names {@code what} and the parser's complaint. */
  public static JsonNode object(byte[] bytes, String what) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new dev.portcullis.oci.ImageReadException(
          "parse " + what + ": malformed JSON (" + e.getOriginalMessage() + where(e) + ")", e);
    }
    if (node == null || !node.isObject()) {
      throw new dev.portcullis.oci.ImageReadException("parse " + what + ": expected a JSON object");
    }
    return node;
  }
}
