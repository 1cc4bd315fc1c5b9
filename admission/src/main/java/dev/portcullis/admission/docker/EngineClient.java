package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the Docker engine itself, over its API socket, what the plugin cannot read from a request: the
 * digests an image was pulled by, and whether the engine remaps users. These calls pass through the
 * plugin too (as allowed reads).
 */
final class EngineClient {
  private static final HttpWire.Limits LIMITS = new HttpWire.Limits(8 * 1024, 64 * 1024, 100, 4 * 1024 * 1024);

  /** What the engine holds for one image name: its ID and the {@code repository@digest} references it was pulled by. */
  record LocalImage(String id, List<String> repoDigests) {
    LocalImage {
      repoDigests = List.copyOf(repoDigests);
    }
  }

  private final Path socket;

  EngineClient(Path socket) {
    this.socket = socket;
  }

  Path socket() {
    return socket;
  }

  /** The image the engine resolves {@code name} to; empty when it has none by that name. */
  Optional<LocalImage> image(String name, Instant deadline) throws IOException {
    Response r = get("/images/" + escape(name) + "/json", deadline);
    if (r.status() == 404) {
      return Optional.empty();
    }
    JsonNode json = r.json("inspect image " + name);
    List<String> digests = new ArrayList<>();
    json.path("RepoDigests").forEach(d -> digests.add(d.asText()));
    return Optional.of(new LocalImage(json.path("Id").asText(""), digests));
  }

  /** Whether the engine runs containers in user namespaces of their own ({@code userns-remap}). */
  boolean remapsUsers(Instant deadline) throws IOException {
    JsonNode info = get("/info", deadline).json("read the engine's info");
    for (JsonNode opt : info.path("SecurityOptions")) {
      if (opt.asText().contains("name=userns")) {
        return true;
      }
    }
    return false;
  }

  private record Response(String what, int status, byte[] body) {
    JsonNode json(String doing) throws IOException {
      if (status != 200) {
        throw new IOException(doing + ": the engine answered " + status + " " + firstLine(body));
      }
      try {
        return GoJson.parse(body, "the engine's answer to " + what);
      } catch (GoJson.Malformed e) {
        throw new IOException(doing + ": " + e.getMessage(), e);
      }
    }
  }

  private Response get(String path, Instant deadline) throws IOException {
    String what = "GET " + path + " on " + socket;
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      DeadlineChannel io = new DeadlineChannel(ch, 16 * 1024);
      io.write(("GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: portcullis-docker-authz\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1), deadline);
      Duration left = Duration.between(Instant.now(), deadline);
      HttpWire.Message m = HttpWire.read(io, LIMITS, deadline, left.isNegative() ? Duration.ZERO : left, HttpWire.Unframed.TO_END)
          .orElseThrow(() -> new IOException(what + ": the engine closed the connection without an answer"));
      String[] status = m.startLine().split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
        throw new IOException(what + ": not an HTTP status line");
      }
      return new Response(what, Integer.parseInt(status[1]), m.body());
    } catch (IOException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }

  /** Percent-encodes all but unreserved characters and the separators an image name has ({@code / : @}). */
  static String escape(String name) {
    StringBuilder s = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/:@".indexOf(c) >= 0) {
        s.append(c);
      } else {
        s.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return s.toString();
  }

  private static String firstLine(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
