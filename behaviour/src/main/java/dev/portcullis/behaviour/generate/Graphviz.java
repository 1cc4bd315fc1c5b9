package dev.portcullis.behaviour.generate;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Graphviz {@code dot} run as a bounded external process: DOT on its standard input, the rendering read from its
 * standard output up to a limit, killed when it overruns its deadline or the limit.
 */
final class Graphviz {
  /** The largest rendering read. */
  static final int MAX_OUTPUT = 16 << 20;

  private static final int MAX_STDERR = 16 << 10;

  private Graphviz() {}

  /** {@code dot -Tsvg} of {@code dot}, the program found as {@code program} on the PATH (or at that path). */
  static String svg(String program, String dot, Duration deadline) throws IOException {
    Path executable = find(program).orElseThrow(() -> new IOException("render topology as SVG: Graphviz " + program
        + " is not installed (not on PATH; Debian package graphviz)"));
    List<String> command = List.of(executable.toString(), "-Tsvg");
    long until = System.nanoTime() + deadline.toNanos();
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new IOException("render topology as SVG: start " + executable + ": " + e.getMessage(), e);
    }
    ExecutorService io = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "graphviz-io");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?> in = io.submit(() -> {
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(dot.getBytes(StandardCharsets.UTF_8));
        }
        return null;
      });
      Future<byte[]> out = io.submit(() -> readAtMost(process.getInputStream(), MAX_OUTPUT, false));
      Future<byte[]> err = io.submit(() -> readAtMost(process.getErrorStream(), MAX_STDERR, true));
      byte[] svg = out.get(remaining(until), TimeUnit.NANOSECONDS);
      if (svg.length > MAX_OUTPUT) {
        throw new IOException("render topology as SVG: dot printed more than " + MAX_OUTPUT + " bytes, killed");
      }
      if (!process.waitFor(remaining(until), TimeUnit.NANOSECONDS)) {
        throw timeout(deadline);
      }
      String stderr = new String(err.get(remaining(until), TimeUnit.NANOSECONDS), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String line = stderr.lines().filter(l -> !l.isBlank()).findFirst().orElse("no message").strip();
        throw new IOException("render topology as SVG: dot exited with " + process.exitValue() + ": "
            + line.replaceAll("\\p{Cntrl}", "?"));
      }
      in.get(remaining(until), TimeUnit.NANOSECONDS);
      return new String(svg, StandardCharsets.UTF_8);
    } catch (TimeoutException e) {
      throw timeout(deadline);
    } catch (ExecutionException e) {
      throw new IOException("render topology as SVG: talking to dot failed: " + e.getCause().getMessage(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("render topology as SVG: interrupted", e);
    } finally {
      process.destroyForcibly();
      io.shutdownNow();
    }
  }

  private static long remaining(long until) {
    return Math.max(1, until - System.nanoTime());
  }

  private static IOException timeout(Duration deadline) {
    return new IOException("render topology as SVG: dot did not finish within " + deadline.toMillis()
        + " ms, killed");
  }

  /** An absolute or relative path as it is; a bare name looked up on the PATH. */
  static Optional<Path> find(String program) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Up to {@code max + 1} bytes, so that the caller sees an overrun; with {@code drain} the rest is dropped. */
  private static byte[] readAtMost(InputStream in, int max, boolean drain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, Math.max(0, Math.min(n, max + 1 - out.size())));
      if (out.size() > max && !drain) {
        break;
      }
    }
    return out.toByteArray();
  }
}
