package dev.portcullis.admission.hook.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code java -cp portcullis-admission.jar dev.portcullis.admission.hook.client.HookClient --socket
 * PATH [--timeout-ms N]}: relays the runtime's state on stdin to the hook daemon and exits with its
 * answer. It refuses (exit 2) when the daemon cannot be reached or does not answer in time: no
 * container starts without a decision. Only JDK classes are used, none of Portcullis' others.
 */
public final class HookClient {
  private static final int MAX_STATE_BYTES = (256 << 10) + 1;
  private static final int MAX_ANSWER_BYTES = 64 << 10;
  private static final int UNDECIDED = 2;

  private HookClient() {}

  public static void main(String[] args) {
    int code = run(args, System.in, System.err);
    System.err.flush();
    System.exit(code);
  }

  /** The exit code for {@code args}, with {@code stdin} relayed and the daemon's message written to {@code stderr}. */
  static int run(String[] args, InputStream stdin, PrintStream stderr) {
    Path socket = null;
    long timeoutMillis = 10_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--socket") && i + 1 < args.length) {
        socket = Path.of(args[++i]);
      } else if (args[i].equals("--timeout-ms") && i + 1 < args.length) {
        try {
          timeoutMillis = Long.parseLong(args[++i]);
        } catch (NumberFormatException e) {
          timeoutMillis = -1;
        }
      } else {
        stderr.println("portcullis: refused: hook client: unknown argument '" + args[i] + "' (usage: --socket PATH [--timeout-ms N])");
        return UNDECIDED;
      }
    }
    if (socket == null || timeoutMillis <= 0) {
      stderr.println("portcullis: refused: hook client: give --socket PATH (and a positive --timeout-ms)");
      return UNDECIDED;
    }
    Watchdog watchdog = new Watchdog(socket, timeoutMillis, stderr);
    watchdog.start();
    try {
      byte[] state = stdin.readNBytes(MAX_STATE_BYTES);
      byte[] answer;
      try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        channel.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap(state);
        while (out.hasRemaining()) {
          channel.write(out);
        }
        channel.shutdownOutput();
        ByteBuffer in = ByteBuffer.allocate(MAX_ANSWER_BYTES);
        while (in.hasRemaining() && channel.read(in) >= 0) {
          // until the daemon closes
        }
        answer = new byte[in.position()];
        in.flip().get(answer);
      }
      return relay(new String(answer, StandardCharsets.UTF_8), socket, stderr);
    } catch (IOException e) {
      // podman takes "No such file or directory" in a hook's error for a missing command (exit 127): say it otherwise
      stderr.println("portcullis: refused: the hook daemon at " + socket + " cannot be reached (" + (java.nio.file.Files.exists(socket)
          ? "it does not answer" : "no socket there") + "): no container starts without a decision; start it with portcullis hook serve");
      return UNDECIDED;
    } finally {
      watchdog.interrupt();
    }
  }

  /** Refuses the start when the daemon has not answered in time (a named class: a lambda costs the JVM's start). */
  private static final class Watchdog extends Thread {
    private final Path socket;
    private final long millis;
    private final PrintStream stderr;

    Watchdog(Path socket, long millis, PrintStream stderr) {
      super("watchdog");
      setDaemon(true);
      this.socket = socket;
      this.millis = millis;
      this.stderr = stderr;
    }

    @Override
    public void run() {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        return;
      }
      stderr.println("portcullis: refused: the hook daemon at " + socket + " gave no answer within " + millis + " ms");
      stderr.flush();
      Runtime.getRuntime().halt(UNDECIDED);
    }
  }

  private static int relay(String answer, Path socket, PrintStream stderr) {
    int newline = answer.indexOf('\n');
    int code;
    try {
      code = Integer.parseInt(newline < 0 ? answer.strip() : answer.substring(0, newline));
    } catch (NumberFormatException e) {
      stderr.println("portcullis: refused: the hook daemon at " + socket + " gave no answer that reads (" + answer.length() + " bytes)");
      return UNDECIDED;
    }
    if (code < 0 || code > 125) {
      stderr.println("portcullis: refused: the hook daemon at " + socket + " answered exit code " + code);
      return UNDECIDED;
    }
    String message = newline < 0 ? "" : answer.substring(newline + 1).strip();
    if (!message.isEmpty()) {
      stderr.println(message);
    }
    return code;
  }
}
