package dev.portcullis.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeMap;

/** The OpenAPI 3.1 document of the API, made from the same operations the router serves. */
final class OpenApi {
  private OpenApi() {}

  static ObjectNode document(List<Operation> operations) {
    ObjectNode doc = Request.JSON.createObjectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info").put("title", "Portcullis server API").put("version", "1")
        .put("description", "Scan on push, image states, stored assessments and the job queue. Errors are {code, message}.");
    ObjectNode paths = doc.putObject("paths");
    for (Operation op : operations) {
      if (!op.documented()) {
        continue;
      }
      ObjectNode path = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
      ObjectNode o = path.putObject(op.method().toLowerCase(java.util.Locale.ROOT));
      o.put("operationId", op.id()).put("summary", op.summary());
      if (!op.params().isEmpty()) {
        var params = o.putArray("parameters");
        for (Operation.Param p : op.params()) {
          ObjectNode schema = params.addObject().put("name", p.name()).put("in", p.in()).put("required", p.required())
              .put("description", p.description()).putObject("schema").put("type", "string");
          if (!p.pattern().isEmpty()) {
            schema.put("pattern", "^(?:" + p.pattern() + ")$");
          }
        }
      }
      op.request().ifPresent(b -> o.putObject("requestBody").put("required", true).putObject("content").putObject(b.mediaType())
          .putObject("schema").put("$ref", "#/components/schemas/" + b.schema()));
      ObjectNode responses = o.putObject("responses");
      java.util.Map<Integer, Operation.Response> all = new TreeMap<>(op.responses());
      if (!op.params().isEmpty()) {
        all.putIfAbsent(400, new Operation.Response("a parameter is malformed", "Error"));
      }
      switch (op.guard()) {
        case Operation.Guard.Public p -> o.putArray("security").addObject();
        case Operation.Guard.Registry g -> o.putArray("security").addObject();
        case Operation.Guard.Authenticated a -> all.putIfAbsent(401, new Operation.Response("not authenticated", "Error"));
        case Operation.Guard.Requires req -> {
          all.putIfAbsent(401, new Operation.Response("not authenticated", "Error"));
          all.putIfAbsent(403, new Operation.Response("the caller's grants do not allow " + req.permission().name().toLowerCase(java.util.Locale.ROOT)
              .replace('_', ' ') + (req.permission().scoped() ? " on the repositories it touches" : " (a grant over every repository)")
              + ", or a session's call lacks its CSRF token", "Error"));
          o.put("x-permission", req.permission().name().toLowerCase(java.util.Locale.ROOT));
        }
      }
      all.forEach((status, r) -> {
        ObjectNode resp = responses.putObject(String.valueOf(status)).put("description", r.description());
        String type = r.schema().isEmpty() ? "text/plain" : "application/json";
        ObjectNode schema = resp.putObject("content").putObject(type).putObject("schema");
        if (r.schema().isEmpty()) {
          schema.put("type", "string");
        } else {
          schema.put("$ref", "#/components/schemas/" + r.schema());
        }
      });
    }
    paths.putObject("/v1/openapi.json").putObject("get").put("operationId", "openapi").put("summary", "This document")
        .putObject("responses").putObject("200").put("description", "the OpenAPI document").putObject("content")
        .putObject("application/json").putObject("schema").put("type", "object");
    ObjectNode components = doc.putObject("components");
    components.set("schemas", components());
    ObjectNode schemes = components.putObject("securitySchemes");
    schemes.putObject("token").put("type", "http").put("scheme", "bearer").put("description", "an API token (pcs_...)");
    schemes.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "portcullis_session")
        .put("description", "a dashboard session (POST /v1/login); its mutating calls send X-CSRF-Token");
    doc.putArray("security").add(Request.JSON.createObjectNode().set("token", Request.JSON.createArrayNode()))
        .add(Request.JSON.createObjectNode().set("session", Request.JSON.createArrayNode()));
    return doc;
  }

  private static JsonNode components() {
    try (InputStream in = OpenApi.class.getResourceAsStream("components.json")) {
      if (in == null) {
        throw new IllegalStateException("components.json is missing from the build");
      }
      return Request.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
