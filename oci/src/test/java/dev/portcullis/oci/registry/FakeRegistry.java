package dev.portcullis.oci.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A scripted HTTP server on 127.0.0.1 that plays a registry (or a token realm) for hermetic tests, and records every request. */
final class FakeRegistry implements AutoCloseable {
  /** A request as the server saw it. */
  record Seen(String method, String path, @Nullable String query, @Nullable String authorization, @Nullable String accept) {}

  /** What to answer. */
  record Answer(int status, Map<String, String> headers, byte[] body) {}

  @FunctionalInterface
  interface Handler {
    Answer answer(Seen request) throws IOException;
  }

  private final HttpServer server;
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers {@code method path} (the path without its query) with {@code handler}. */
  FakeRegistry on(String method, String path, Handler handler) {
    routes.put(method + " " + path, handler);
    return this;
  }

  /** The handler of {@code method path}, to wrap it. */
  Handler route(String method, String path) {
    return routes.getOrDefault(method + " " + path, r -> error(404, "NOT_FOUND", "no route for " + method + " " + path));
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  long count(String method, String path) {
    return seen.stream().filter(s -> s.method().equals(method) && s.path().equals(path)).count();
  }

  static Answer answer(int status, String body, String... headerPairs) {
    return answer(status, body.getBytes(StandardCharsets.UTF_8), headerPairs);
  }

  static Answer answer(int status, byte[] body, String... headerPairs) {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      headers.put(headerPairs[i], headerPairs[i + 1]);
    }
    return new Answer(status, headers, body);
  }

  static Answer error(int status, String code, String message, String... headerPairs) {
    return answer(status, "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}", headerPairs);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
          exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Accept"));
      seen.add(request);
      Handler handler = routes.get(request.method() + " " + request.path());
      Answer answer = handler == null ? error(404, "NOT_FOUND", "no route for " + request.method() + " " + request.path()) : handler.answer(request);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      boolean noBody = request.method().equals("HEAD") || answer.body().length == 0;
      exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
      if (!noBody) {
        exchange.getResponseBody().write(answer.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
