package dev.portcullis.admission.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads one HTTP/1.1 message, strictly and within bounds: CRLF line ends, token header names, no
 * folded lines, one body framing (a single {@code Content-Length} or {@code chunked}, never both),
 * and every byte read before a deadline. The engine's plugin client and the engine's API server are
 * Go's net/http, which writes exactly this.
 */
final class HttpWire {
  /**
   * @param maxLine the longest start line or chunk-size line
   * @param maxHeaderBytes the most bytes all header lines together may take
   * @param maxHeaders the most header lines
   * @param maxBody the largest body, chunked or not
   */
  record Limits(int maxLine, int maxHeaderBytes, int maxHeaders, int maxBody) {}

  /**
   * One message.
   *
   * @param startLine the request line or status line
   * @param headers names in lower case; a repeated header's values joined with {@code ", "}
   */
  record Message(String startLine, Map<String, String> headers, byte[] body) {
    Message {
      headers = Collections.unmodifiableMap(new TreeMap<>(headers));
    }

    boolean keepAlive() {
      String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
      return startLine.endsWith("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    }
  }

  /** A message this reader will not accept; {@code status} is the HTTP status a server answers it with. */
  static final class BadMessage extends IOException {
    private final int status;

    BadMessage(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /** Whether a message without framing headers has a body up to the end of the stream (a response), or none (a request). */
  enum Unframed {
    NO_BODY,
    TO_END
  }

  private HttpWire() {}

  /**
   * The next message; empty when the stream ends before its first byte. The first byte may take until
   * {@code firstByte}; the whole message must be in by {@code complete}, which starts counting at the first byte.
   */
  static Optional<Message> read(DeadlineChannel in, Limits limits, Instant firstByte, java.time.Duration complete, Unframed unframed)
      throws IOException {
    int first = in.read(firstByte);
    if (first < 0) {
      return Optional.empty();
    }
    Instant deadline = Instant.now().plus(complete);
    Reader r = new Reader(in, deadline, first);
    String start = r.line(limits.maxLine(), "start line");
    if (start.isEmpty()) {
      throw new BadMessage(400, "empty start line");
    }
    TreeMap<String, String> headers = new TreeMap<>();
    int headerBytes = 0;
    int count = 0;
    while (true) {
      String line = r.line(limits.maxHeaderBytes() - headerBytes, "header section");
      if (line.isEmpty()) {
        break;
      }
      headerBytes += line.length() + 2;
      if (++count > limits.maxHeaders()) {
        throw new BadMessage(431, "more than " + limits.maxHeaders() + " header lines");
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new BadMessage(400, "folded header line");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !token(line.substring(0, colon))) {
        throw new BadMessage(400, "malformed header line");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (name.equals("content-length") && headers.containsKey(name) && !headers.get(name).equals(value)) {
        throw new BadMessage(400, "conflicting Content-Length headers");
      }
      headers.merge(name, value, (a, b) -> name.equals("content-length") ? a : a + ", " + b);
    }
    String te = headers.get("transfer-encoding");
    String cl = headers.get("content-length");
    byte[] body;
    if (te != null && cl != null) {
      throw new BadMessage(400, "both Content-Length and Transfer-Encoding");
    } else if (te != null) {
      if (!te.equalsIgnoreCase("chunked")) {
        throw new BadMessage(501, "transfer coding " + te + " is not supported (only chunked)");
      }
      body = r.chunked(limits);
    } else if (cl != null) {
      if (!cl.matches("[0-9]{1,10}")) {
        throw new BadMessage(400, "Content-Length " + cl + " is not a number");
      }
      long length = Long.parseLong(cl);
      if (length > limits.maxBody()) {
        throw new BadMessage(413, "body of " + length + " bytes, more than the " + limits.maxBody() + " allowed");
      }
      body = r.exactly((int) length);
    } else {
      body = unframed == Unframed.TO_END ? r.toEnd(limits.maxBody()) : new byte[0];
    }
    return Optional.of(new Message(start, headers, body));
  }

  private static boolean token(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** Reads bytes of one message, the first already taken. */
  private static final class Reader {
    private final DeadlineChannel in;
    private final Instant deadline;
    private int pending;

    Reader(DeadlineChannel in, Instant deadline, int first) {
      this.in = in;
      this.deadline = deadline;
      this.pending = first;
    }

    private int next() throws IOException {
      if (pending >= 0) {
        int b = pending;
        pending = -1;
        return b;
      }
      return in.read(deadline);
    }

    /** One CRLF-ended line of at most {@code max} characters (ISO-8859-1, as HTTP/1.1 defines its octets). */
    String line(int max, String what) throws IOException {
      StringBuilder s = new StringBuilder();
      while (true) {
        int b = next();
        if (b < 0) {
          throw new BadMessage(400, "the stream ended inside the " + what);
        }
        if (b == '\r') {
          if (next() != '\n') {
            throw new BadMessage(400, "a CR not followed by LF in the " + what);
          }
          return s.toString();
        }
        if (b == '\n') {
          throw new BadMessage(400, "a bare LF in the " + what);
        }
        if (b == 0 || b == 0x7f || b < 0x20 && b != '\t') {
          throw new BadMessage(400, "a control character in the " + what);
        }
        if (s.length() >= max) {
          throw new BadMessage(431, "the " + what + " is longer than allowed");
        }
        s.append((char) b);
      }
    }

    byte[] exactly(int length) throws IOException {
      byte[] out = new byte[length];
      int off = 0;
      if (length > 0 && pending >= 0) {
        out[off++] = (byte) next();
      }
      while (off < length) {
        int n = in.read(out, off, length - off, deadline);
        if (n < 0) {
          throw new BadMessage(400, "the stream ended after " + off + " of " + length + " body bytes");
        }
        off += n;
      }
      return out;
    }

    byte[] chunked(Limits limits) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(limits.maxLine(), "chunk size line");
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
        if (!hex.matches("[0-9a-fA-F]{1,7}")) {
          throw new BadMessage(400, "malformed chunk size");
        }
        int size = Integer.parseInt(hex, 16);
        if (size == 0) {
          int trailerBytes = 0;
          while (true) {
            String trailer = line(limits.maxHeaderBytes() - trailerBytes, "trailer section");
            if (trailer.isEmpty()) {
              return body.toByteArray();
            }
            trailerBytes += trailer.length() + 2;
          }
        }
        if ((long) body.size() + size > limits.maxBody()) {
          throw new BadMessage(413, "chunked body of more than the " + limits.maxBody() + " bytes allowed");
        }
        body.writeBytes(exactly(size));
        if (!line(0, "chunk end").isEmpty()) {
          throw new BadMessage(400, "a chunk not followed by CRLF");
        }
      }
    }

    byte[] toEnd(int max) throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      if (pending >= 0) {
        body.write(next());
      }
      while (true) {
        int n = in.read(buffer, 0, buffer.length, deadline);
        if (n < 0) {
          return body.toByteArray();
        }
        if (body.size() + n > max) {
          throw new BadMessage(413, "body of more than the " + max + " bytes allowed");
        }
        body.write(buffer, 0, n);
      }
    }
  }

  /** A response with a JSON body; {@code Connection: close} when the connection ends after it. */
  static byte[] response(int status, String reason, String contentType, byte[] body, boolean close) {
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length + "\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[h.length + body.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }
}
