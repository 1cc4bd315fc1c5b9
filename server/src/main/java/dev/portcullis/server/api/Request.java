package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.server.auth.Identity;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request to an operation, and its response; parameters were checked against the operation's
 * patterns before. The body is read once (the scope of the permission check may need it before the
 * handler). A form post ({@code application/x-www-form-urlencoded}, what the dashboard sends) is
 * read as a JSON object of its fields, less {@code csrf} and {@code next}, and answered with a
 * redirect to {@code next}.
 */
final class Request {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FORM = "application/x-www-form-urlencoded";

  private final Context ctx;
  private final long maxBody;
  private Identity identity;
  private byte @Nullable [] body;
  private @Nullable JsonNode object;
  private String auditTarget = "";
  private String csrf = "";
  private String auditReason = "";
  private String auditOutcome = "success";
  private dev.portcullis.server.store.Store.Work<?> auditWith = c -> null;

  Request(Context ctx, long maxBody, Identity identity) {
    this.ctx = ctx;
    this.maxBody = maxBody;
    this.identity = identity;
  }

  /** The session's CSRF token, for the forms of a page ("" without a session). */
  String csrf() {
    return csrf;
  }

  void csrf(String token) {
    this.csrf = token;
  }

  Context context() {
    return ctx;
  }

  /** Who calls, as authenticated before the handler runs. */
  public Identity identity() {
    return identity;
  }

  void identity(Identity who) {
    this.identity = who;
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

  /** Whether the body is a form (the dashboard's posts). */
  public boolean isForm() {
    return contentType().split(";", 2)[0].strip().equalsIgnoreCase(FORM);
  }

  /** The body, refused with 413 when larger than the limit; never read whole beyond it. */
  public byte[] body() throws IOException {
    if (body != null) {
      return body;
    }
    long declared = ctx.contentLength();
    if (declared > maxBody) {
      dev.portcullis.server.http.RefusedBodies.discard(ctx.bodyInputStream());
      throw new ApiException(413, "TOO_LARGE", "the request body has " + declared + " bytes; at most " + maxBody + " are accepted");
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        dev.portcullis.server.http.RefusedBodies.discard(ctx.bodyInputStream());
        throw new ApiException(413, "TOO_LARGE", "the request body is larger than " + maxBody + " bytes");
      }
      body = bytes;
      return bytes;
    }
  }

  /** The body as UTF-8 text, strictly: a body that is not is refused with 400, {@code what} naming it. */
  public String utf8Body(String what) throws IOException {
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ApiException(400, "BAD_REQUEST", what + ": not UTF-8 text");
    }
  }

  /** The body as a JSON object (a form's fields as strings); 400 when it is neither. */
  public JsonNode jsonObject() throws IOException {
    if (object != null) {
      return object;
    }
    byte[] bytes = body();
    if (isForm()) {
      object = formFields(bytes, false);
      return object;
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new ApiException(400, "BAD_REQUEST", "the body is not JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new ApiException(400, "BAD_REQUEST", "the body must be a JSON object");
    }
    object = node;
    return node;
  }

  /** A form field that is not data ({@code csrf}, {@code next}); empty for a JSON body. */
  public Optional<String> formControl(String name) throws IOException {
    if (!isForm()) {
      return Optional.empty();
    }
    JsonNode all = formFields(body(), true);
    return Optional.ofNullable(all.get(name)).map(JsonNode::asText);
  }

  private static ObjectNode formFields(byte[] bytes, boolean controls) {
    ObjectNode o = JSON.createObjectNode();
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return o;
    }
    for (String pair : text.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, "BAD_REQUEST", "the form is not URL-encoded: " + firstLine(e.getMessage()));
      }
      boolean control = name.equals("csrf") || name.equals("next");
      if (control != controls) {
        continue;
      }
      if (o.has(name)) {
        throw new ApiException(400, "BAD_REQUEST", "the form repeats the field " + HttpApi.clip(name));
      }
      // an empty field of a form is an absent one, as in a JSON body that leaves it out
      if (!value.isEmpty() || controls) {
        o.put(name, value);
      }
    }
    return o;
  }

  static String firstLine(String m) {
    return m == null ? "" : m.lines().findFirst().orElse("");
  }

  /** What the audit record of this call names as its target (defaults to the path's parameters). */
  public void auditTarget(String target) {
    this.auditTarget = target;
  }

  String auditTarget() {
    return auditTarget;
  }

  /** Why, for the audit record of a successful call. */
  public void auditReason(String reason) {
    this.auditReason = reason;
  }

  String auditReason() {
    return auditReason;
  }

  /** The outcome the audit record of a successful call names ({@code success} unless the handler says, e.g. {@code denied}). */
  public void auditOutcome(String outcome) {
    this.auditOutcome = outcome;
  }

  String auditOutcome() {
    return auditOutcome;
  }

  /**
   * What a successful call writes in the transaction of its audit record, so that the two commit
   * together (and a request pays for one transaction, not two).
   */
  public void auditWith(dev.portcullis.server.store.Store.Work<?> with) {
    this.auditWith = with;
  }

  dev.portcullis.server.store.Store.Work<?> auditWith() {
    return auditWith;
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

  public void html(int status, String body) {
    text(status, "text/html; charset=utf-8", body);
  }
}
