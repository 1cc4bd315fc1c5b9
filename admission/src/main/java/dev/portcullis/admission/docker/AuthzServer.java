package dev.portcullis.admission.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The plugin's HTTP/1.1 server on a Unix domain socket, for the engine's plugin client alone: one
 * virtual thread per connection (at most {@link Limits#connections()} at once; more are closed at
 * once, and the engine's client retries), keep-alive, every request bounded in size and read by a
 * deadline, and every answer written by one. The socket file is readable and writable by its owner only.
 */
public final class AuthzServer implements AutoCloseable {
  /**
   * @param maxBody the largest request body (an AuthZRes carries up to 1 MiB of request and 1 MiB of response body, base64)
   * @param idle how long a kept-alive connection may wait for its next request
   * @param request how long a request may take to arrive once its first byte has, and its answer to be written
   * @param connections the most connections served at once
   */
  public record Limits(int maxBody, Duration idle, Duration request, int connections) {
    public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, Duration.ofMinutes(2), Duration.ofSeconds(10), 64);
  }

  private static final HttpWire.Limits WIRE_HEADERS = new HttpWire.Limits(8 * 1024, 32 * 1024, 64, 0);

  private final Path socket;
  private final ServerSocketChannel server;
  private final AuthzProtocol protocol;
  private final Limits limits;
  private final Consumer<String> problems;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore slots;
  private final Thread acceptor;

  private AuthzServer(Path socket, ServerSocketChannel server, AuthzProtocol protocol, Limits limits, Consumer<String> problems) {
    this.socket = socket;
    this.server = server;
    this.protocol = protocol;
    this.limits = limits;
    this.problems = problems;
    this.slots = new Semaphore(limits.connections());
    this.acceptor = Thread.ofPlatform().daemon().name("portcullis-docker-authz-accept").unstarted(this::accept);
  }

  /**
   * Serves {@code admission} on {@code socket}: a stale socket file there is replaced; any other file
   * is an error. {@code problems} hears about connections that failed (one line each).
   */
  public static AuthzServer start(Path socket, DockerAdmission admission, Limits limits, Consumer<String> problems) throws IOException {
    return start(socket, new AuthzProtocol(admission::authorize), limits, problems);
  }

  static AuthzServer start(Path socket, AuthzProtocol protocol, Limits limits, Consumer<String> problems) throws IOException {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)
          || Files.isSymbolicLink(socket)) {
        throw new IOException("serve the plugin on " + socket + ": a file that is not a socket is there");
      }
      Files.delete(socket);
    }
    if (socket.getParent() != null) {
      Files.createDirectories(socket.getParent());
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket), 64);
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      server.close();
      throw new IOException("serve the plugin on " + socket + ": " + e.getMessage(), e);
    }
    AuthzServer s = new AuthzServer(socket, server, protocol, limits, problems);
    s.acceptor.start();
    return s;
  }

  public Path socket() {
    return socket;
  }

  private void accept() {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        problems.accept("accept a connection on " + socket + ": " + e.getMessage());
        continue;
      }
      if (!slots.tryAcquire()) {
        close(ch);
        continue;
      }
      try {
        threads.submit(() -> {
          try {
            serve(ch);
          } finally {
            slots.release();
          }
        });
      } catch (RuntimeException e) {
        slots.release();
        close(ch);
      }
    }
  }

  private void serve(SocketChannel ch) {
    try (DeadlineChannel io = new DeadlineChannel(ch, 16 * 1024)) {
      HttpWire.Limits wire = new HttpWire.Limits(WIRE_HEADERS.maxLine(), WIRE_HEADERS.maxHeaderBytes(), WIRE_HEADERS.maxHeaders(), limits.maxBody());
      while (true) {
        Optional<HttpWire.Message> m;
        String path = "";
        try {
          m = HttpWire.read(io, wire, Instant.now().plus(limits.idle()), limits.request(), HttpWire.Unframed.NO_BODY);
        } catch (HttpWire.BadMessage e) {
          byte[] answer = e.status() == 413
              ? HttpWire.response(200, "OK", AuthzProtocol.CONTENT_TYPE, AuthzProtocol.authz(new Authorization.Deny(
                  "portcullis refused a request it could not read whole (" + e.getMessage() + ")")), true)
              : HttpWire.response(e.status(), "Bad Request", AuthzProtocol.CONTENT_TYPE, AuthzProtocol.error(e.status(), e.getMessage()).body(), true);
          io.write(answer, Instant.now().plus(limits.request()));
          return;
        }
        if (m.isEmpty()) {
          return;
        }
        String[] start = m.get().startLine().split(" ", -1);
        if (start.length != 3 || !start[2].startsWith("HTTP/1.")) {
          io.write(HttpWire.response(400, "Bad Request", AuthzProtocol.CONTENT_TYPE, AuthzProtocol.error(400, "not an HTTP/1.x request line").body(),
              true), Instant.now().plus(limits.request()));
          return;
        }
        path = start[1];
        AuthzProtocol.Reply reply = protocol.answer(start[0], path, m.get().body());
        boolean keep = m.get().keepAlive();
        io.write(HttpWire.response(reply.status(), reply.status() == 200 ? "OK" : "Error", AuthzProtocol.CONTENT_TYPE, reply.body(), !keep),
            Instant.now().plus(limits.request()));
        if (!keep) {
          return;
        }
      }
    } catch (IOException e) {
      // a peer that went away or ran out of time: the engine treats a failed call as a refusal
    }
  }

  private static void close(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing more to do for a connection that is being turned away
    }
  }

  /** Stops accepting, closes the socket file, and waits for the requests in flight. */
  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      Files.deleteIfExists(socket);
      threads.shutdownNow();
      threads.close();
    }
  }
}
