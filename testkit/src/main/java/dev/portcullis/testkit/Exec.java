package dev.portcullis.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs a command whose failure is the thing under test ({@code podman run} refused by a hook, {@code kubectl apply}
 * denied by a webhook): any exit code is an answer. Only a command that cannot start or outlives its deadline is an
 * error, a {@link Tools.ToolException} naming the command and the end of its stderr; a timed-out command is killed
 * with its descendants.
 */
public final class Exec {
  private Exec() {}

  /** Runs {@code command} with {@code env} added to this process's environment, its stdin from {@code /dev/null}. */
  public static Tools.Result run(Duration deadline, Map<String, String> env, List<String> command) throws Tools.ToolException {
    return run(deadline, env, command, null);
  }

  /** As {@link #run(Duration, Map, List)}, feeding {@code stdin} (when not null) to the command. */
  public static Tools.Result run(Duration deadline, Map<String, String> env, List<String> command, byte @Nullable [] stdin)
      throws Tools.ToolException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    String shown = String.join(" ", command);
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("portcullis-exec-", ".out");
      err = Files.createTempFile("portcullis-exec-", ".err");
      File input = new File("/dev/null");
      if (stdin != null) {
        in = Files.createTempFile("portcullis-exec-", ".in");
        Files.write(in, stdin);
        input = in.toFile();
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(input));
      pb.environment().putAll(env);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new Tools.ToolException("run " + shown + ": cannot start (" + e.getMessage() + ")", e);
      }
      boolean finished;
      try {
        finished = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new Tools.ToolException("run " + shown + ": interrupted", new InterruptedIOException());
      }
      if (!finished) {
        kill(p);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        throw new Tools.ToolException("run " + shown + ": still running after " + deadline.toSeconds() + " s, killed; stderr: "
            + Tools.tail(stderr));
      }
      return new Tools.Result(command, p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
    } catch (Tools.ToolException e) {
      throw e;
    } catch (IOException e) {
      throw new Tools.ToolException("run " + shown + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
      deleteQuietly(in);
    }
  }

  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks {@code p} to stop (SIGTERM), waits up to {@code grace}, then kills it and what it started. */
  static void stop(Process p, Duration grace) {
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
      }
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code lines} lines of a log file, for an error message; never fails. */
  static String logTail(Path log, int lines) {
    try {
      List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
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
