package dev.portcullis.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.TransferDeadlines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Docker engine's API over its Unix socket, HTTP/1.1 written by hand (one request per connection): enough to ask
 * whether it has an image and to stream {@code docker save}'s archive of it to a file. Every wait on the engine has a
 * deadline: each read must see data within the stall window, and the whole request must end within the overall one.
 */
public final class DockerEngineClient {
  /** Image names and IDs as the engine takes them in a path; anything else is refused before it reaches the engine. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}");
  private static final int MAX_HEAD = 64 << 10;
  private static final int MAX_ERROR_BODY = 64 << 10;

  private final String host;
  private final Path socket;
  private final TransferDeadlines deadlines;

  private DockerEngineClient(String host, Path socket, TransferDeadlines deadlines) {
    this.host = host;
    this.socket = socket;
    this.deadlines = deadlines;
  }

  /** A client of the engine at {@code host}: {@code unix:///PATH} or an absolute path. */
  public static DockerEngineClient of(String host, TransferDeadlines deadlines) {
    String path = host.startsWith("unix://") ? host.substring("unix://".length()) : host;
    if (host.contains("://") && !host.startsWith("unix://") || !path.startsWith("/")) {
      throw new IllegalArgumentException("docker host '" + host + "': only a Unix socket (unix:///PATH) is supported");
    }
    return new DockerEngineClient(host, Path.of(path), deadlines);
  }

  /**
   * Writes {@code docker save NAME}'s archive to {@code file}, at most {@code limits.maxImageBytes()} bytes; first
   * asks the engine for the image, so that an unknown one gets the engine's own one-line answer.
   */
  public void save(String name, Path file, Limits limits, String what) throws IOException {
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new ImageReadException("read " + what + ": '" + name + "' is not an image name or ID");
    }
    try (Response inspect = get("/images/" + name + "/json", what)) {
      if (inspect.status != 200) {
        throw inspect.failure("look up image '" + name + "'");
      }
      inspect.body.transferTo(OutputStream.nullOutputStream());
    }
    try (Response saved = get("/images/" + name + "/get", what); OutputStream out = Files.newOutputStream(file)) {
      if (saved.status != 200) {
        throw saved.failure("save image '" + name + "'");
      }
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while ((n = saved.body.read(buf)) >= 0) {
        total += n;
        if (total > limits.maxImageBytes()) {
          throw new ImageReadException("read " + what + ": the engine's archive is larger than the limit of " + limits.maxImageBytes() + " bytes (--max-image-size)");
        }
        out.write(buf, 0, n);
      }
    }
  }

  private Response get(String path, String what) throws IOException {
    SocketChannel channel = connect(what);
    try {
      Connection c = new Connection(channel, deadlines, "the Docker engine at " + host + " (" + what + ")");
      c.write(("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: portcullis\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return Response.read(c, what);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private SocketChannel connect(String what) throws IOException {
    if (!Files.exists(socket)) {
      throw new ImageReadException("read " + what + ": no Docker engine at " + host + " (no such socket; start dockerd, or name its socket with --docker-host or DOCKER_HOST)");
    }
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.configureBlocking(false);
      return channel;
    } catch (IOException e) {
      channel.close();
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(Locale.ROOT);
      throw new ImageReadException("read " + what + ": the Docker engine at " + host + " refuses the connection (" + why + ")", e);
    }
  }

  /** The engine's socket, read with a deadline on every wait. */
  private static final class Connection extends InputStream {
    private final SocketChannel channel;
    private final Selector selector;
    private final TransferDeadlines deadlines;
    private final long end;
    private final String peer;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).flip();

    Connection(SocketChannel channel, TransferDeadlines deadlines, String peer) throws IOException {
      this.channel = channel;
      this.selector = Selector.open();
      this.deadlines = deadlines;
      this.end = System.nanoTime() + deadlines.overall().toNanos();
      this.peer = peer;
      channel.register(selector, SelectionKey.OP_READ);
    }

    void write(byte[] request) throws IOException {
      ByteBuffer out = ByteBuffer.wrap(request);
      channel.keyFor(selector).interestOps(SelectionKey.OP_WRITE);
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await();
        }
      }
      channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
    }

    private void await() throws IOException {
      long left = Math.min(end - System.nanoTime(), deadlines.stall().toNanos());
      long millis = Math.max(1, left / 1_000_000);
      if (left <= 0 || selector.select(millis) == 0) {
        boolean overall = end - System.nanoTime() <= 0;
        throw new ImageReadException("read from " + peer + ": no answer within " + (overall ? deadlines.overall() : deadlines.stall())
            + (overall ? " (--network-timeout)" : " (stall timeout)"));
      }
      selector.selectedKeys().clear();
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (!buffer.hasRemaining()) {
        buffer.clear();
        int n = channel.read(buffer);
        buffer.flip();
        if (n < 0) {
          return -1;
        }
        if (n == 0) {
          await();
        }
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        selector.close();
      } finally {
        channel.close();
      }
    }
  }

  /** A response: status, and a body decoded from its framing (length, chunked, or to the end). */
  private static final class Response implements AutoCloseable {
    final int status;
    final InputStream body;
    private final Connection connection;
    private final String what;

    private Response(int status, InputStream body, Connection connection, String what) {
      this.status = status;
      this.body = body;
      this.connection = connection;
      this.what = what;
    }

    static Response read(Connection c, String what) throws IOException {
      String statusLine = line(c, what);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new ImageReadException("read " + what + ": the engine did not answer in HTTP/1.1 ('" + statusLine + "')");
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new ImageReadException("read " + what + ": the engine's status line '" + statusLine + "' has no status code", e);
      }
      long length = -1;
      boolean chunked = false;
      int headBytes = statusLine.length();
      for (String h = line(c, what); !h.isEmpty(); h = line(c, what)) {
        headBytes += h.length() + 2;
        if (headBytes > MAX_HEAD) {
          throw new ImageReadException("read " + what + ": the engine's response headers exceed " + MAX_HEAD + " bytes");
        }
        int colon = h.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String key = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).strip();
        if (key.equals("content-length")) {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new ImageReadException("read " + what + ": the engine sent Content-Length '" + value + "'", e);
          }
        } else if (key.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
      }
      InputStream body = chunked ? new Chunked(c, what) : length >= 0 ? new Sized(c, length, what) : c;
      return new Response(status, body, c, what);
    }

    /** The engine's one-line reason ({@code {"message": ...}}) for a status other than 200. */
    ImageReadException failure(String doing) throws IOException {
      byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
      String message = "";
      try {
        JsonNode node = Json.MAPPER.readTree(bytes);
        if (node != null && node.path("message").isTextual()) {
          message = node.path("message").asText();
        }
      } catch (IOException e) {
        message = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8).strip();
      }
      String reason = status == 404 ? "no such image" : "HTTP " + status;
      return new ImageReadException("read " + what + ": " + doing + ": the Docker engine answered " + reason + (message.isEmpty() ? "" : " (" + message + ")"));
    }

    static String line(InputStream in, String what) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new ImageReadException("read " + what + ": the engine closed the connection in the middle of its response");
        }
        if (b == '\n') {
          String s = out.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        if (out.size() >= 8192) {
          throw new ImageReadException("read " + what + ": a line of the engine's response is longer than 8192 bytes");
        }
        out.write(b);
      }
    }

    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /** A body of known length. */
  private static final class Sized extends InputStream {
    private final InputStream in;
    private long left;
    private final String what;

    Sized(InputStream in, long length, String what) {
      this.in = in;
      this.left = length;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new ImageReadException("read " + what + ": the engine closed the connection " + left + " bytes before the end of its answer");
      }
      left -= n;
      return n;
    }
  }

  /** A body in chunked transfer encoding: hex size line, data, CRLF; a zero size ends it (trailers are skipped). */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private final String what;
    private long left;
    private boolean done;

    Chunked(InputStream in, String what) {
      this.in = in;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      return SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        String size = Response.line(in, what);
        int semicolon = size.indexOf(';');
        String hex = (semicolon >= 0 ? size.substring(0, semicolon) : size).strip();
        try {
          left = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new ImageReadException("read " + what + ": the engine sent a chunk size '" + hex + "' that is not hexadecimal", e);
        }
        if (left < 0) {
          throw new ImageReadException("read " + what + ": the engine sent a negative chunk size");
        }
        if (left == 0) {
          for (String trailer = Response.line(in, what); !trailer.isEmpty(); trailer = Response.line(in, what)) {
            // trailers carry nothing we use
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new ImageReadException("read " + what + ": the engine closed the connection inside a chunk of its answer");
      }
      left -= n;
      if (left == 0 && !Response.line(in, what).isEmpty()) {
        throw new ImageReadException("read " + what + ": a chunk of the engine's answer does not end with CRLF");
      }
      return n;
    }
  }
}
