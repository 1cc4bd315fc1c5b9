package dev.portcullis.oci.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 server on 127.0.0.1 over raw sockets, scripted per path, so that a test controls every
 * byte: wrong {@code Content-Length}s, bodies that drip or stop, answers that never come, huge
 * headers. One request per connection. Records every request with its headers.
 */
final class HostileServer implements AutoCloseable {
  /** A request as the server saw it; header names lower-cased. */
  record Request(String method, String target, Map<String, String> headers) {
    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    @Nullable String authorization() {
      return headers.get("authorization");
    }
  }

  /** Writes the raw answer to one request; returning closes the connection. */
  @FunctionalInterface
  interface Script {
    void answer(Request request, InputStream in, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  private final Map<String, Script> routes = new ConcurrentHashMap<>();
  private final List<Request> seen = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  HostileServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofVirtual().name("hostile-server-accept").start(this::accept);
  }

  /** Answers every request for {@code path} (without query) with {@code script}. */
  HostileServer on(String path, Script script) {
    routes.put(path, script);
    return this;
  }

  String host() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  int port() {
    return socket.getLocalPort();
  }

  List<Request> seen() {
    return List.copyOf(seen);
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      Thread.ofVirtual().name("hostile-server-conn").start(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      Request request = readRequest(in);
      if (request == null) {
        return;
      }
      seen.add(request);
      long length = Long.parseLong(request.headers().getOrDefault("content-length", "0"));
      in.readNBytes((int) Math.min(length, 64L << 20));
      Script script = routes.getOrDefault(request.path(), (r, i, o) -> respond(o, 404, "{\"errors\":[{\"code\":\"NOT_FOUND\"}]}"));
      script.answer(request, in, out);
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client went away, or the server is closing
    } finally {
      open.remove(s);
    }
  }

  private static @Nullable Request readRequest(InputStream in) throws IOException {
    String line = readLine(in);
    if (line == null || line.isEmpty()) {
      return null;
    }
    String[] parts = line.split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
      }
    }
    return new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers);
  }

  private static @Nullable String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r' && line.size() < 64 << 10) {
        line.write(c);
      }
    }
    return c < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status line and headers, {@code Connection: close} included; pairs of name and value. */
  static void head(OutputStream out, int status, String... headerPairs) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" Whatever\r\nConnection: close\r\n");
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      sb.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
    }
    out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** An honest answer: the body with its exact length. */
  static void respond(OutputStream out, int status, byte[] body, String... headerPairs) throws IOException {
    String[] all = java.util.Arrays.copyOf(headerPairs, headerPairs.length + 2);
    all[headerPairs.length] = "Content-Length";
    all[headerPairs.length + 1] = Integer.toString(body.length);
    head(out, status, all);
    out.write(body);
  }

  static void respond(OutputStream out, int status, String body, String... headerPairs) throws IOException {
    respond(out, status, body.getBytes(StandardCharsets.UTF_8), headerPairs);
  }

  /** Sends {@code body} one byte at a time, {@code gapMillis} apart, until it is sent or the client goes away. */
  static void drip(OutputStream out, byte[] body, long gapMillis) throws IOException, InterruptedException {
    for (byte b : body) {
      out.write(b);
      out.flush();
      Thread.sleep(gapMillis);
    }
  }

  /** Waits until the client closes the connection, answering nothing. */
  static void silence(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // nothing to do but wait
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    acceptor.interrupt();
  }
}
