package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The engine's plugin protocol, one HTTP request at a time: {@code POST /Plugin.Activate} answers
 * that this plugin implements {@code authz}; {@code POST /AuthZPlugin.AuthZReq} answers {@code
 * {"Allow":..,"Msg":..}} from the decision; {@code POST /AuthZPlugin.AuthZRes} allows every response
 * (the decision was made on the request). A request body that cannot be read is denied, never an error.
 */
final class AuthzProtocol {
  static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A reply: HTTP status and JSON body. */
  record Reply(int status, byte[] body) {}

  private final Function<AuthzRequest, Authorization> decide;

  AuthzProtocol(Function<AuthzRequest, Authorization> decide) {
    this.decide = decide;
  }

  Reply answer(String method, String path, byte[] body) {
    if (!method.equals("POST")) {
      return error(405, "only POST is served");
    }
    return switch (path) {
      case "/Plugin.Activate" -> new Reply(200, "{\"Implements\":[\"authz\"]}".getBytes(StandardCharsets.UTF_8));
      case "/AuthZPlugin.AuthZReq" -> new Reply(200, authz(request(body)));
      case "/AuthZPlugin.AuthZRes" -> new Reply(200, authz(new Authorization.Allow()));
      default -> error(404, "no such plugin method: " + DockerAdmission.oneLine(path.length() > 100 ? path.substring(0, 100) : path));
    };
  }

  private Authorization request(byte[] body) {
    AuthzRequest request;
    try {
      request = AuthzRequest.parse(body);
    } catch (GoJson.Malformed e) {
      return new Authorization.Deny("portcullis could not read the engine's authorization request (" + e.getMessage() + "); refused");
    }
    try {
      return decide.apply(request);
    } catch (RuntimeException e) {
      return new Authorization.Deny("portcullis failed while deciding (" + e.getClass().getSimpleName() + "); refused");
    }
  }

  static byte[] authz(Authorization a) {
    ObjectNode o = JSON.createObjectNode();
    switch (a) {
      case Authorization.Allow allow -> o.put("Allow", true).put("Msg", "").put("Err", "");
      case Authorization.Deny deny -> o.put("Allow", false).put("Msg", deny.message()).put("Err", "");
    }
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Reply error(int status, String message) {
    return new Reply(status, JSON.createObjectNode().put("Err", message).toString().getBytes(StandardCharsets.UTF_8));
  }
}
