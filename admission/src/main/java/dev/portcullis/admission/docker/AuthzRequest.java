package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One {@code /AuthZPlugin.AuthZReq} from the engine: who asks (the TLS client's common name, when the
 * engine authenticates clients) and the API request, whose body the engine passes on only when it is
 * JSON or text and under 1 MiB.
 *
 * @param user the authenticated user; empty when the engine does not authenticate clients
 * @param method the API request's method
 * @param uri its path and query as the client sent them
 * @param body its body; empty when the engine did not pass one on
 * @param headers its headers, names in lower case
 */
record AuthzRequest(String user, String method, String uri, Optional<byte[]> body, Map<String, String> headers) {
  AuthzRequest {
    headers = java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
  }

  /** Whether the request said its body is JSON (the engine withholds bodies over 1 MiB even then). */
  boolean declaresJson() {
    return headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  /** Reads the engine's JSON (fields as Go's encoding/json writes them: {@code RequestUri}, {@code RequestBody} in base64). */
  static AuthzRequest parse(byte[] json) throws GoJson.Malformed {
    JsonNode root = GoJson.parse(json, "the AuthZReq body");
    if (!root.isObject()) {
      throw new GoJson.Malformed("the AuthZReq body is not a JSON object");
    }
    String method = GoJson.text(root, "RequestMethod", "AuthZReq").filter(s -> !s.isEmpty())
        .orElseThrow(() -> new GoJson.Malformed("the AuthZReq names no RequestMethod"));
    String uri = GoJson.text(root, "RequestUri", "AuthZReq").filter(s -> s.startsWith("/"))
        .orElseThrow(() -> new GoJson.Malformed("the AuthZReq has no RequestUri starting with /"));
    Optional<byte[]> body = Optional.empty();
    Optional<String> b64 = GoJson.text(root, "RequestBody", "AuthZReq");
    if (b64.isPresent() && !b64.get().isEmpty()) {
      try {
        body = Optional.of(Base64.getDecoder().decode(b64.get()));
      } catch (IllegalArgumentException e) {
        throw new GoJson.Malformed("the AuthZReq's RequestBody is not base64");
      }
    }
    TreeMap<String, String> headers = new TreeMap<>();
    Optional<JsonNode> h = GoJson.field(root, "RequestHeaders", "AuthZReq");
    if (h.isPresent()) {
      if (!h.get().isObject()) {
        throw new GoJson.Malformed("the AuthZReq's RequestHeaders is not an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = h.get().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText(""));
      }
    }
    return new AuthzRequest(GoJson.text(root, "User", "AuthZReq").orElse(""), method, uri, body, headers);
  }
}
