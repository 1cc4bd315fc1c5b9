package dev.portcullis.behaviour.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A long-running command whose standard output is handed on line by line (each line cut to {@value #MAX_LINE}
 * characters) and whose standard error keeps only its last lines. An end that {@link #stop()} did not ask for is
 * reported once to the {@code ended} callback with the command's last words.
 */
public final class LineProcess implements AutoCloseable {
  static final int MAX_LINE = 8192;
  private static final int STDERR_LINES = 5;

  private final String shown;
  private final Process process;
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final String readyWhen;
  private volatile boolean stopping;

  private LineProcess(String shown, Process process, String readyWhen) {
    this.shown = shown;
    this.process = process;
    this.readyWhen = readyWhen;
  }

  /**
   * Starts {@code command}; returns once it printed a standard-error line containing {@code readyWhen} (tcpdump's
   * {@code listening on}), or fails when it ends or stays silent for {@code deadline}.
   */
  public static LineProcess start(OwnProcesses own, List<String> command, String readyWhen, Duration deadline,
      Consumer<String> lines, Consumer<String> ended) throws IOException {
    String shown = String.join(" ", command);
    Process process;
    try {
      process = own.start(new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
    } catch (IOException e) {
      throw new IOException("run " + shown + ": cannot start (" + e.getMessage() + ")", e);
    }
    LineProcess lp = new LineProcess(shown, process, readyWhen);
    Thread out = new Thread(() -> lp.pump(process.getInputStream(), lines), "portcullis-lines");
    Thread err = new Thread(() -> lp.pump(process.getErrorStream(), lp::stderrLine), "portcullis-stderr");
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
    process.onExit().thenRun(() -> {
      lp.ready.countDown();
      try {
        err.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!lp.stopping) {
        ended.accept(lp.shown + " ended (exit code " + process.exitValue() + "): " + lp.lastWords());
      }
    });
    try {
      boolean signalled = lp.ready.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (!process.isAlive()) {
        lp.stopping = true;
        throw new IOException("run " + shown + ": ended at once (exit code " + process.waitFor() + "): "
            + lp.lastWords());
      }
      if (!signalled) {
        lp.close();
        throw new IOException("run " + shown + ": not ready within " + deadline.toMillis() + " ms, killed: "
            + lp.lastWords());
      }
    } catch (InterruptedException e) {
      lp.close();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("run " + shown + ": interrupted");
    }
    return lp;
  }

  /** The process ID (for {@code nsenter}, the ID of the program it became). */
  public long pid() {
    return process.pid();
  }

  private void stderrLine(String line) {
    synchronized (stderrTail) {
      stderrTail.addLast(line);
      while (stderrTail.size() > STDERR_LINES) {
        stderrTail.removeFirst();
      }
    }
    if (line.contains(readyWhen)) {
      ready.countDown();
    }
  }

  private String lastWords() {
    synchronized (stderrTail) {
      return stderrTail.isEmpty() ? "no message" : String.join(" | ", stderrTail);
    }
  }

  private void pump(InputStream in, Consumer<String> sink) {
    StringBuilder line = new StringBuilder();
    byte[] buf = new byte[16384];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            append(line, buf, start, i);
            sink.accept(line.toString());
            line.setLength(0);
            start = i + 1;
          }
        }
        append(line, buf, start, n);
      }
    } catch (IOException e) {
      // the process ended or was stopped
    } catch (RuntimeException e) {
      stderrLine("reading its output failed: " + e);
    }
  }

  private static void append(StringBuilder line, byte[] buf, int from, int to) {
    int room = MAX_LINE - line.length();
    if (room > 0 && to > from) {
      line.append(new String(buf, from, Math.min(room, to - from), StandardCharsets.UTF_8));
    }
  }

  /** Stops the command (SIGTERM, then SIGKILL after one second); its end is not reported. */
  @Override
  public void close() {
    stopping = true;
    process.destroy();
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
