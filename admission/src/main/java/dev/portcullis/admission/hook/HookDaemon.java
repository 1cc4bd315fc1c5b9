package dev.portcullis.admission.hook;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hook as a daemon on a Unix socket, so that a container start pays for a small client's start
 * and one round trip, not for a JVM that loads keys and a registry client. The protocol: the client
 * sends the runtime's state and closes its side; the daemon answers {@code EXIT\nMESSAGE\n} (UTF-8) and
 * closes. The socket is made readable and writable by its owner only. A request not received, or a
 * decision not made, within the deadline is refused.
 */
public final class HookDaemon implements AutoCloseable {
  /** The most an answer may be: one line of violations. */
  public static final int MAX_ANSWER_BYTES = 64 << 10;

  private final Path socket;
  private final RuntimeHook hook;
  private final Duration deadline;
  private final ServerSocketChannel server;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "portcullis-hook-timer");
    t.setDaemon(true);
    return t;
  });

  private HookDaemon(Path socket, RuntimeHook hook, Duration deadline, ServerSocketChannel server) {
    this.socket = socket;
    this.hook = hook;
    this.deadline = deadline;
    this.server = server;
  }

  /** Binds {@code socket}, replacing a stale socket file no daemon answers on; refuses when one does. */
  public static HookDaemon bind(Path socket, RuntimeHook hook, Duration deadline) throws IOException {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
        throw new IOException("bind " + socket + ": the path exists and is not a socket");
      }
      boolean answered;
      try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        answered = true;
      } catch (IOException stale) {
        answered = false;
      }
      if (answered) {
        throw new IOException("bind " + socket + ": a hook daemon already answers there");
      }
      Files.delete(socket);
    }
    Path parent = socket.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      server.close();
      throw new IOException("bind " + socket + ": " + e.getMessage(), e);
    }
    return new HookDaemon(socket, hook, deadline, server);
  }

  /** Answers connections until {@link #close()}. */
  public void serve() throws IOException {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      }
      try {
        workers.execute(() -> answer(client));
      } catch (RejectedExecutionException closing) {
        closeQuietly(client);
        return;
      }
    }
  }

  private void answer(SocketChannel client) {
    ScheduledFuture<?> cutOff = timers.schedule(() -> closeQuietly(client), deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
    try (client) {
      byte[] request = read(client, OciState.MAX_BYTES + 1);
      // a connection that sends nothing is a probe (another daemon checking the socket is taken), not a container
      HookAnswer answer = request.length == 0
          ? new HookAnswer.Refuse(HookAnswer.UNDECIDED, RuntimeHook.PREFIX + "refused: the OCI state on standard input: empty")
          : decide(request);
      byte[] out = (answer.exitCode() + "\n" + answer.message() + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(out, 0, Math.min(out.length, MAX_ANSWER_BYTES));
      while (buffer.hasRemaining()) {
        client.write(buffer);
      }
    } catch (IOException e) {
      // the client gave up or was cut off: it refuses on its side
    } finally {
      cutOff.cancel(false);
    }
  }

  private HookAnswer decide(byte[] request) {
    Future<HookAnswer> decision = workers.submit(() -> hook.decide(request));
    try {
      return decision.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      decision.cancel(true);
      return new HookAnswer.Refuse(HookAnswer.UNDECIDED, RuntimeHook.PREFIX + "refused: no decision within " + deadline.toMillis() + " ms");
    } catch (ExecutionException e) {
      return new HookAnswer.Refuse(HookAnswer.UNDECIDED, RuntimeHook.PREFIX + "refused: the decision failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HookAnswer.Refuse(HookAnswer.UNDECIDED, RuntimeHook.PREFIX + "refused: the daemon is stopping");
    }
  }

  /** Everything until the client closes its side, at most {@code max} bytes (more is read as too much by the parser). */
  private static byte[] read(SocketChannel client, int max) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(max);
    while (buffer.hasRemaining()) {
      if (client.read(buffer) < 0) {
        break;
      }
    }
    byte[] bytes = new byte[buffer.position()];
    buffer.flip().get(bytes);
    return bytes;
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** The socket it listens on. */
  public Path socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    server.close();
    workers.shutdownNow();
    timers.shutdownNow();
    Files.deleteIfExists(socket);
  }
}
