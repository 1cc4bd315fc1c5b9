package dev.portcullis.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the external programs the integration tests drive. A command that fails, or outlives its
 * timeout, becomes a {@link ToolException} whose one-line message names the command, the exit code
 * and the end of its stderr.
 */
public final class Tools {
  private static final int STDERR_TAIL_CHARS = 400;

  private Tools() {}

  /** What a finished command printed. */
  public record Result(List<String> command, int exitCode, byte[] stdout, String stderr) {
    public Result {
      command = List.copyOf(command);
      stdout = stdout.clone();
    }

    @Override
    public byte[] stdout() {
      return stdout.clone();
    }

    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** A command that could not be run, failed or timed out. */
  public static final class ToolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
      super(message);
    }

    public ToolException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Fails with a one-line reason unless {@code program} is an executable on the {@code PATH}. */
  public static Path require(String program) throws ToolException {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new ToolException(program + " is not installed (not on the PATH); bin/test installs it from Debian's packages");
  }

  /** Runs {@code command} and returns its output; fails unless it exits with 0 within {@code timeout}. */
  public static Result run(Duration timeout, List<String> command) throws ToolException {
    return run(timeout, Map.of(), command);
  }

  public static Result run(Duration timeout, String... command) throws ToolException {
    return run(timeout, Map.of(), List.of(command));
  }

  /** As {@link #run(Duration, List)}, with {@code env} added to this process's environment. */
  public static Result run(Duration timeout, Map<String, String> env, List<String> command) throws ToolException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    String shown = String.join(" ", command);
    @Nullable Path out = null;
    @Nullable Path err = null;
    try {
      out = Files.createTempFile("portcullis-tool-", ".out");
      err = Files.createTempFile("portcullis-tool-", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new ToolException("run " + shown + ": cannot start (" + e.getMessage() + ")", e);
      }
      boolean finished;
      try {
        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new ToolException("run " + shown + ": interrupted", new InterruptedIOException());
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (!finished) {
        kill(p);
        throw new ToolException("run " + shown + ": still running after " + shown(timeout) + ", killed; stderr: " + tail(stderr));
      }
      Result r = new Result(command, p.exitValue(), Files.readAllBytes(out), stderr);
      if (r.exitCode() != 0) {
        throw new ToolException("run " + shown + ": exit code " + r.exitCode() + "; stderr: " + tail(stderr));
      }
      return r;
    } catch (ToolException e) {
      throw e;
    } catch (IOException e) {
      throw new ToolException("run " + shown + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** The last lines of {@code stderr} on one line, at most {@value #STDERR_TAIL_CHARS} characters. */
  static String tail(String stderr) {
    List<String> lines = new ArrayList<>(stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    if (lines.isEmpty()) {
      return "(empty)";
    }
    String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    return joined.length() <= STDERR_TAIL_CHARS ? joined : "..." + joined.substring(joined.length() - STDERR_TAIL_CHARS);
  }

  private static String shown(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
  }
}
