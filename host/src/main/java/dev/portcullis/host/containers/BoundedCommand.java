package dev.portcullis.host.containers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one command with a deadline, reading at most {@code maxBytes} of its standard output and a short tail of its
 * standard error; a command that overruns either is killed and reported, never waited for.
 */
final class BoundedCommand {
  private static final int MAX_STDERR = 64 * 1024;

  /** What the command printed and how it ended. */
  record Result(int exitCode, byte[] stdout, String stderr) {
    /** The last non-blank line of standard error, for a one-line message. */
    String stderrLine() {
      return stderr.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no message").strip();
    }
  }

  private BoundedCommand() {}

  /** Runs {@code command} until {@code System.nanoTime()} reaches {@code until}; {@code deadline} is what the caller was given. */
  static Result run(List<String> command, long until, Duration deadline, int maxBytes) throws IOException {
    String shown = String.join(" ", command);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new IOException("run " + shown + ": " + e.getMessage(), e);
    }
    ExecutorService readers = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "bounded-command-reader");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<byte[]> out = readers.submit(() -> readAtMost(process.getInputStream(), maxBytes, false));
      Future<byte[]> err = readers.submit(() -> readAtMost(process.getErrorStream(), MAX_STDERR, true));
      byte[] stdout;
      try {
        stdout = out.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (stdout.length > maxBytes) {
          throw new IOException("run " + shown + ": it printed more than " + maxBytes + " bytes, refused");
        }
        if (!process.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          throw timeout(shown, deadline);
        }
        byte[] stderr = err.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        return new Result(process.exitValue(), stdout, new String(stderr, StandardCharsets.UTF_8));
      } catch (TimeoutException e) {
        throw timeout(shown, deadline);
      } catch (ExecutionException e) {
        throw new IOException("run " + shown + ": reading its output failed: " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("run " + shown + ": interrupted", e);
      }
    } finally {
      process.destroyForcibly();
      readers.shutdownNow();
    }
  }

  private static IOException timeout(String shown, Duration deadline) {
    return new IOException("run " + shown + ": no answer within " + deadline.toMillis() + " ms, killed");
  }

  /**
   * Up to {@code max + 1} bytes: one more than allowed tells the caller the output was too long; with {@code drain}
   * the rest is read and dropped, so a chatty command never blocks on a full pipe.
   */
  private static byte[] readAtMost(InputStream in, int max, boolean drain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      int keep = Math.min(n, max + 1 - out.size());
      out.write(buf, 0, keep);
      if (out.size() > max && !drain) {
        break;
      }
    }
    return out.toByteArray();
  }
}
