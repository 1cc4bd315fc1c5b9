package dev.portcullis.server.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of the API, as the OpenAPI document describes it and the router serves it.
 *
 * @param method GET, POST, ...
 * @param path the path with {@code {name}} parameters, as OpenAPI writes it
 * @param request the request body's media type and schema name in {@code components.schemas}
 * @param responses for each status, a description and the schema name of its JSON body ("" for none)
 */
record Operation(String method, String path, String id, String summary, List<Param> params, Optional<Body> request,
    Map<Integer, Response> responses, Handler handler) {
  public Operation {
    params = List.copyOf(params);
    responses = Map.copyOf(responses);
  }

  /** A path or query parameter; {@code pattern} is the regular expression its value must match (or ""). */
  public record Param(String name, String in, boolean required, String description, String pattern) {}

  /** A request body. */
  public record Body(String mediaType, String schema) {}

  /** A response. */
  public record Response(String description, String schema) {}

  /** Serves one request. */
  @FunctionalInterface
  public interface Handler {
    void handle(Request request) throws Exception;
  }
}
