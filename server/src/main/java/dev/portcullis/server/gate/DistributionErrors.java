package dev.portcullis.server.gate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The error bodies of the Distribution API: {@code {"errors":[{"code":CODE,"message":MESSAGE}]}}. */
final class DistributionErrors {
  static final String CONTENT_TYPE = "application/json";
  private static final JsonFactory JSON = new JsonFactory();

  private DistributionErrors() {}

  /** One error, as registries write it and clients (skopeo, docker) print {@code message}. */
  static byte[] body(String code, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("errors");
      g.writeStartObject();
      g.writeStringField("code", code);
      g.writeStringField("message", message);
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("write a Distribution error body: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
