package dev.portcullis.host.containers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The running containers of one Docker engine, asked over its Unix socket with the Engine API: {@code GET
 * /containers/json}, then {@code GET /containers/{id}/json} for each, every request within what is left of the
 * deadline and every answer read up to {@link ContainerInspect#MAX_BYTES}. A container removed between the listing
 * and its inspection (404) is left out.
 */
public final class DockerContainers implements ContainerSource {
  /** Where Docker listens unless told otherwise. */
  public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Path socket;

  public DockerContainers(Path socket) {
    this.socket = socket;
  }

  @Override
  public String engine() {
    return "docker";
  }

  @Override
  public List<ContainerFacts> running(Duration deadline) throws IOException {
    long until = System.nanoTime() + deadline.toNanos();
    List<String> ids = ContainerInspect.dockerIds(get("/containers/json", until, deadline, false).body());
    List<ContainerFacts> out = new ArrayList<>();
    for (String id : ids) {
      if (!ID.matcher(id).matches()) {
        throw new IOException("list docker containers on " + socket + ": the engine named a container " + abbreviate(id)
            + ", not a hexadecimal ID");
      }
      Response r = get("/containers/" + id + "/json", until, deadline, true);
      if (r.status() != 404) {
        out.add(ContainerInspect.docker(r.body()));
      }
    }
    out.sort(Comparator.comparing(ContainerFacts::name).thenComparing(ContainerFacts::id));
    return List.copyOf(out);
  }

  record Response(int status, byte[] body) {}

  /** One HTTP/1.1 GET over the socket; a status other than 200 (and 404 when allowed) is an error with the engine's message. */
  private Response get(String path, long until, Duration deadline, boolean notFoundIsAnswer) throws IOException {
    String what = "GET " + path + " from the docker engine at " + socket;
    byte[] raw = exchange(path, until, deadline, what);
    Response r = parse(raw, what);
    if (r.status() == 200 || (notFoundIsAnswer && r.status() == 404)) {
      return r;
    }
    String message = new String(r.body(), 0, Math.min(r.body().length, 300), StandardCharsets.UTF_8).strip();
    throw new IOException(what + ": HTTP " + r.status() + (message.isEmpty() ? "" : " " + oneLine(message)));
  }

  private byte[] exchange(String path, long until, Duration deadline, String what) throws IOException {
    int max = ContainerInspect.MAX_BYTES + MAX_HEADER_BYTES;
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new IOException(what + ": cannot connect (" + e.getMessage() + ")", e);
      }
      ch.configureBlocking(false);
      ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: portcullis-host\r\n"
          + "Accept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (true) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          throw new IOException(what + ": no complete answer within " + deadline.toMillis() + " ms");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        if (request.hasRemaining()) {
          ch.write(request);
          if (!request.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
          continue;
        }
        int n = ch.read(buf);
        if (n < 0) {
          return out.toByteArray();
        }
        out.write(buf.array(), 0, buf.position());
        buf.clear();
        if (out.size() > max) {
          throw new IOException(what + ": the answer is larger than " + ContainerInspect.MAX_BYTES + " bytes, refused");
        }
      }
    }
  }

  /** Status and body of an HTTP/1.x answer, with {@code Content-Length} or chunked transfer coding or read to the end. */
  static Response parse(byte[] raw, String what) throws IOException {
    int headerEnd = indexOf(raw, new byte[] {'\r', '\n', '\r', '\n'}, 0);
    if (headerEnd < 0) {
      throw new IOException(what + ": the answer ended before its headers did (" + raw.length + " bytes)");
    }
    String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
      throw new IOException(what + ": not an HTTP answer: " + abbreviate(lines[0]));
    }
    long length = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).strip();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IOException(what + ": Content-Length " + abbreviate(value) + " is not a number");
        }
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    int start = headerEnd + 4;
    byte[] body;
    if (chunked) {
      body = dechunk(raw, start, what);
    } else if (length >= 0) {
      if (raw.length - start < length) {
        throw new IOException(what + ": the answer ended after " + (raw.length - start) + " of " + length + " bytes");
      }
      body = java.util.Arrays.copyOfRange(raw, start, start + (int) length);
    } else {
      body = java.util.Arrays.copyOfRange(raw, start, raw.length);
    }
    return new Response(Integer.parseInt(status[1]), body);
  }

  private static byte[] dechunk(byte[] raw, int from, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = from;
    while (true) {
      int lineEnd = indexOf(raw, new byte[] {'\r', '\n'}, at);
      if (lineEnd < 0) {
        throw new IOException(what + ": the chunked answer ended inside a chunk header");
      }
      String sizeText = new String(raw, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int semicolon = sizeText.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).strip(), 16);
      } catch (NumberFormatException e) {
        throw new IOException(what + ": chunk size " + abbreviate(sizeText) + " is not hexadecimal");
      }
      if (size < 0) {
        throw new IOException(what + ": negative chunk size");
      }
      at = lineEnd + 2;
      if (size == 0) {
        return out.toByteArray();
      }
      if (raw.length - at < size) {
        throw new IOException(what + ": the chunked answer ended inside a chunk");
      }
      out.write(raw, at, size);
      at += size + 2;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ");
  }

  private static String abbreviate(String s) {
    String line = oneLine(s);
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }

  @Override
  public String toString() {
    return "docker containers via " + socket;
  }
}
