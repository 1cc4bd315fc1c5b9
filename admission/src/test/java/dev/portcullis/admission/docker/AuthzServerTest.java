package dev.portcullis.admission.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthzServerTest {
  @TempDir Path dir;
  private AuthzServer server;
  private final List<AuthzRequest> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    AuthzProtocol protocol = new AuthzProtocol(r -> {
      seen.add(r);
      return r.uri().contains("deny") ? new Authorization.Deny("no: " + r.uri()) : new Authorization.Allow();
    });
    server = AuthzServer.start(dir.resolve("p.sock"), protocol, new AuthzServer.Limits(64 * 1024, Duration.ofSeconds(30),
        Duration.ofMillis(500), 8), p -> { });
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static String authzReq(String method, String uri, String body) {
    return "{\"RequestMethod\":\"" + method + "\",\"RequestUri\":\"" + uri + "\"" + (body == null ? ""
        : ",\"RequestBody\":\"" + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\"")
        + ",\"RequestHeaders\":{\"Content-Type\":\"application/json\"}}";
  }

  private static String post(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: \r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n\r\n" + body;
  }

  /** Sends {@code raw}, half-closes, and reads everything the server answers until it closes. */
  private String exchange(String raw) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      ch.write(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)));
      ch.shutdownOutput();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void activationSaysTheInterfaceIsAuthz() throws IOException {
    String answer = exchange(post("/Plugin.Activate", ""));
    assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    assertTrue(answer.endsWith("\r\n\r\n{\"Implements\":[\"authz\"]}"), answer);
  }

  @Test
  void requestsOnOneConnectionAreAnsweredInOrder() throws IOException {
    String answer = exchange(post("/AuthZPlugin.AuthZReq", authzReq("GET", "/v1.41/info", null))
        + post("/AuthZPlugin.AuthZReq", authzReq("POST", "/v1.41/deny", "{}"))
        + post("/AuthZPlugin.AuthZRes", authzReq("POST", "/v1.41/deny", "{}")));
    List<String> bodies = bodies(answer);
    assertEquals(List.of("{\"Allow\":true,\"Msg\":\"\",\"Err\":\"\"}", "{\"Allow\":false,\"Msg\":\"no: /v1.41/deny\",\"Err\":\"\"}",
        "{\"Allow\":true,\"Msg\":\"\",\"Err\":\"\"}"), bodies);
    assertEquals("{}", new String(seen.get(1).body().orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aChunkedBodyIsReadWhole() throws IOException {
    String json = authzReq("POST", "/v1.41/deny", "{}");
    String chunked = Integer.toHexString(10) + "\r\n" + json.substring(0, 10) + "\r\n" + Integer.toHexString(json.length() - 10) + ";ext=1\r\n"
        + json.substring(10) + "\r\n0\r\n\r\n";
    String answer = exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
    assertEquals(List.of("{\"Allow\":false,\"Msg\":\"no: /v1.41/deny\",\"Err\":\"\"}"), bodies(answer));
  }

  @Test
  void aGarbageAuthzRequestIsDenied() throws IOException {
    for (String garbage : List.of("", "not json", "[]", "{\"RequestMethod\":\"POST\"}", "{\"RequestMethod\":\"POST\",\"RequestUri\":\"/x\","
        + "\"RequestBody\":\"***\"}")) {
      String body = bodies(exchange(post("/AuthZPlugin.AuthZReq", garbage))).get(0);
      assertTrue(body.startsWith("{\"Allow\":false,\"Msg\":\"portcullis could not read the engine's authorization request"), body);
    }
    assertEquals(List.of(), seen);
  }

  @Test
  void anOversizedRequestIsDeniedWithoutReadingIt() throws IOException {
    String answer = exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n{");
    assertTrue(answer.contains("Connection: close"), answer);
    assertTrue(bodies(answer).get(0).startsWith("{\"Allow\":false,\"Msg\":\"portcullis refused a request it could not read whole"), answer);
  }

  @Test
  void messagesHttpDoesNotAllowAreRefused() throws IOException {
    assertTrue(exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\nContent-Length: 2\n\n{}").startsWith("HTTP/1.1 400 "));
    assertTrue(exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}}").startsWith("HTTP/1.1 400 "));
    assertTrue(exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}")
        .startsWith("HTTP/1.1 400 "));
    assertTrue(exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").startsWith("HTTP/1.1 501 "));
    assertTrue(exchange("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nX: a\r\n folded\r\n\r\n").startsWith("HTTP/1.1 400 "));
    assertTrue(exchange("POST /Other HTTP/1.1\r\nContent-Length: 0\r\n\r\n").startsWith("HTTP/1.1 404 "));
    assertEquals(List.of(), seen);
  }

  @Test
  void aRequestThatStopsHalfWayIsCutOffAtItsDeadline() throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(server.socket()));
      ch.write(ByteBuffer.wrap("POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.ISO_8859_1)));
      // the output stays open: only the server's request deadline ends this read
      assertEquals(-1, ch.read(ByteBuffer.allocate(100)));
    }
  }

  @Test
  void theSocketFileIsTheOwnersAlone() throws IOException {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
  }

  /** The bodies of the HTTP responses in {@code raw}, each framed by its Content-Length. */
  private static List<String> bodies(String raw) {
    List<String> out = new ArrayList<>();
    int at = 0;
    while (at < raw.length()) {
      int headEnd = raw.indexOf("\r\n\r\n", at);
      String head = raw.substring(at, headEnd);
      int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: ([0-9]+).*", "$1"));
      out.add(raw.substring(headEnd + 4, headEnd + 4 + length));
      at = headEnd + 4 + length;
    }
    return out;
  }
}
