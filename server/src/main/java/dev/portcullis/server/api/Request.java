package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One request to an operation, and its response; parameters were checked against the operation's patterns before. */
final class Request {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Context ctx;
  private final long maxBody;

  Request(Context ctx, long maxBody) {
    this.ctx = ctx;
    this.maxBody = maxBody;
  }

  public String path(String name) {
    return ctx.pathParam(name);
  }

  public Optional<String> query(String name) {
    return Optional.ofNullable(ctx.queryParam(name));
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(ctx.header(name));
  }

  public String contentType() {
    String t = ctx.contentType();
    return t == null ? "" : t;
  }

  /** The body, refused with 413 when larger than the limit; never read whole beyond it. */
  public byte[] body() throws IOException {
    long declared = ctx.contentLength();
    if (declared > maxBody) {
      throw new ApiException(413, "TOO_LARGE", "the request body has " + declared + " bytes; at most " + maxBody + " are accepted");
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        throw new ApiException(413, "TOO_LARGE", "the request body is larger than " + maxBody + " bytes");
      }
      return bytes;
    }
  }

  /** The body as a JSON object; 400 when it is not one. */
  public JsonNode jsonObject() throws IOException {
    byte[] body = body();
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiException(400, "BAD_REQUEST", "the body is not JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new ApiException(400, "BAD_REQUEST", "the body must be a JSON object");
    }
    return node;
  }

  static String firstLine(String m) {
    return m == null ? "" : m.lines().findFirst().orElse("");
  }

  public void json(int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON body that is already text (a stored document). */
  public void rawJson(int status, String body) {
    ctx.status(status).contentType("application/json").result(body.getBytes(StandardCharsets.UTF_8));
  }

  public void text(int status, String contentType, String body) {
    ctx.status(status).contentType(contentType).result(body.getBytes(StandardCharsets.UTF_8));
  }
}
