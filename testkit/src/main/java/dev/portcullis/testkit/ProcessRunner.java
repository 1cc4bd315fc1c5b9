package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line to completion with a deadline, capturing its output. */
public final class ProcessRunner {
  private ProcessRunner() {}

  /** What a finished command left behind. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public Result {
      command = List.copyOf(command);
    }

    /** This result if the command exited 0; else an {@link IllegalStateException} naming the command and its stderr. */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException("run " + String.join(" ", command) + ": exit code " + exitCode + ": " + (stderr.isBlank() ? stdout : stderr).strip());
      }
      return this;
    }
  }

  /**
   * Runs {@code command} with no input; kills it (and fails) when it outlives {@code timeout}.
   * Output is spooled to temporary files so that a chatty command cannot block on a full pipe.
   */
  public static Result run(List<String> command, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("portcullis-run-", ".out");
      err = Files.createTempFile("portcullis-run-", ".err");
      Process p = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("run " + String.join(" ", command) + ": still running after " + timeout.toSeconds() + " s, killed; stderr: "
            + Files.readString(err, StandardCharsets.UTF_8).strip());
      }
      return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("run " + String.join(" ", command) + ": interrupted", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs {@code command} and fails unless it exits 0. */
  public static Result runChecked(List<String> command, Duration timeout) {
    return run(command, timeout).orThrow();
  }

  private static void deleteQuietly(@org.jspecify.annotations.Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }
}
