package dev.portcullis.server.api;

import dev.portcullis.server.auth.Permission;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of the API, as the OpenAPI document describes it and the router serves it: who
 * may call it ({@link Guard}) is part of its declaration, so the one check in {@code HttpApi}
 * runs before any handler and the permission matrix is this table.
 *
 * @param method GET, POST, ...
 * @param path the path with {@code {name}} parameters, as OpenAPI writes it
 * @param request the request body's media type and schema name in {@code components.schemas}
 * @param responses for each status, a description and the schema name of its JSON body ("" for none)
 * @param documented whether the OpenAPI document lists it (the dashboard's pages are not API)
 */
record Operation(String method, String path, String id, String summary, List<Param> params, Optional<Body> request,
    Map<Integer, Response> responses, Guard guard, boolean documented, Handler handler) {
  public Operation {
    params = List.copyOf(params);
    responses = Map.copyOf(responses);
  }

  /** Whether the operation changes anything (and so is audited and needs the CSRF token of a session). */
  public boolean mutating() {
    return !method.equals("GET");
  }

  /** A path or query parameter; {@code pattern} is the regular expression its value must match (or ""). */
  public record Param(String name, String in, boolean required, String description, String pattern) {}

  /** A request body. */
  public record Body(String mediaType, String schema) {}

  /** A response. */
  public record Response(String description, String schema) {}

  /** Who may call an operation. */
  public sealed interface Guard {
    /** anyone (health, metrics, login) */
    record Public() implements Guard {}

    /** any authenticated identity (logout, who am I) */
    record Authenticated() implements Guard {}

    /** a registry with the notification secret */
    record Registry() implements Guard {}

    /** identities whose grants give {@code permission} over every repository {@code scope} names */
    record Requires(Permission permission, Scope scope) implements Guard {}
  }

  /** The repositories a request touches, read before its handler runs (empty: it names none, or a list filtered later). */
  @FunctionalInterface
  public interface Scope {
    List<String> repositories(Request r) throws Exception;

    Scope NONE = r -> List.of();
  }

  /** Serves one request. */
  @FunctionalInterface
  public interface Handler {
    void handle(Request request) throws Exception;
  }
}
