package dev.portcullis.behaviour.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs short external commands with a deadline and bounded output; a command that overruns is killed, never waited
 * for. Errors name the command and the last line it printed on standard error.
 */
public final class Commands {
  /** The most a command may print on standard output. */
  public static final int MAX_OUTPUT = 4 << 20;
  private static final int MAX_STDERR = 64 << 10;

  private Commands() {}

  /** What a finished command printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The last non-blank line of standard error, or {@code no message}. */
    public String stderrLine() {
      return stderr.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no message").strip();
    }
  }

  /** Runs {@code command}, feeding it {@code stdin} when given; any exit code is an answer. */
  public static Result run(OwnProcesses own, Duration deadline, List<String> command, @Nullable String stdin)
      throws IOException {
    String shown = String.join(" ", command);
    ProcessBuilder builder = new ProcessBuilder(command);
    if (stdin == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process process;
    try {
      process = own.start(builder);
    } catch (IOException e) {
      throw new IOException("run " + shown + ": cannot start (" + e.getMessage() + ")", e);
    }
    try {
      Reader out = new Reader(process.getInputStream(), MAX_OUTPUT);
      Reader err = new Reader(process.getErrorStream(), MAX_STDERR);
      out.start();
      err.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the command may exit before reading all of its input; its exit code tells what happened
        }
      }
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("run " + shown + ": no answer within " + deadline.toMillis() + " ms, killed");
      }
      out.join(deadline.toMillis());
      err.join(deadline.toMillis());
      if (out.overflowed) {
        throw new IOException("run " + shown + ": it printed more than " + MAX_OUTPUT + " bytes, refused");
      }
      return new Result(process.exitValue(), out.text(), err.text());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("run " + shown + ": interrupted");
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** As {@link #run}, failing unless the command exits with 0. */
  public static String check(OwnProcesses own, Duration deadline, List<String> command, @Nullable String stdin)
      throws IOException {
    Result r = run(own, deadline, command, stdin);
    if (r.exitCode() != 0) {
      throw new IOException("run " + String.join(" ", command) + ": exit code " + r.exitCode() + ": "
          + r.stderrLine());
    }
    return r.stdout();
  }

  /** Reads a stream to its end, keeping at most {@code max} bytes and dropping the rest. */
  private static final class Reader extends Thread {
    private final InputStream in;
    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean overflowed;

    Reader(InputStream in, int max) {
      super("portcullis-command-reader");
      setDaemon(true);
      this.in = in;
      this.max = max;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          int keep = Math.max(0, Math.min(n, max - kept.size()));
          kept.write(buf, 0, keep);
          overflowed |= keep < n;
        }
      } catch (IOException e) {
        // the process was killed; what was read is all there is
      }
    }

    synchronized String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }
}
