package dev.portcullis.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** The one writer of the chain's canonical JSON, export lines and checkpoint payloads (see {@link AuditRecord}). */
final class Canonical {
  static final String GENESIS = "0".repeat(64);
  static final String CHECKPOINT_TYPE = "portcullis-audit-checkpoint/v1";

  /** Sorted keys, no white space, only controls escaped, in lower-case hex: RFC 8785's strings. */
  static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build())
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).disable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).build();

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Canonical() {}

  /** {@code 2025-01-31T12:00:00.123Z}: UTC, always three fraction digits. */
  static String time(Instant t) {
    return TIME.format(t);
  }

  static String time(long epochMillis) {
    return time(Instant.ofEpochMilli(epochMillis));
  }

  /** The fields of a record as they are hashed ({@code hash} null) or exported (with {@code hash}). */
  static Map<String, Object> fields(Row r, boolean withHash) {
    Map<String, Object> m = new TreeMap<>();
    m.put("seq", r.seq());
    m.put("time", r.time());
    m.put("actorId", r.actorId());
    m.put("actorName", r.actorName());
    m.put("actorKind", r.actorKind());
    m.put("source", r.source());
    m.put("action", r.action());
    m.put("target", r.target());
    m.put("outcome", r.outcome());
    m.put("reason", r.reason());
    m.put("prev", r.prev());
    if (withHash) {
      m.put("hash", r.hash());
    }
    return m;
  }

  static byte[] bytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("write canonical JSON", e);
    }
  }

  /** Hex SHA-256 of the record's canonical form (every field but {@code hash}). */
  static String hash(Row r) {
    return sha256(bytes(fields(r, false)));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** What a checkpoint signs: {@code {"hash":"<hex>","seq":N,"type":"portcullis-audit-checkpoint/v1"}}. */
  static byte[] checkpointPayload(long seq, String hash) {
    Map<String, Object> m = new TreeMap<>();
    m.put("hash", hash);
    m.put("seq", seq);
    m.put("type", CHECKPOINT_TYPE);
    return bytes(m);
  }

  /** One export line for a record, without the line break. */
  static byte[] recordLine(Row r) {
    return bytes(fields(r, true));
  }

  /** One export line for a checkpoint, without the line break. */
  static byte[] checkpointLine(Checkpoint c) {
    Map<String, Object> m = new TreeMap<>();
    m.put("seq", c.seq());
    m.put("hash", c.hash());
    m.put("keyId", c.keyId());
    m.put("signature", c.signature());
    m.put("time", time(c.time()));
    return bytes(Map.of("checkpoint", m));
  }

  static boolean isHash(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
