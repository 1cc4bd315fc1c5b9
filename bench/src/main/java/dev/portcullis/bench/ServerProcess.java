package dev.portcullis.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code portcullis server --config FILE} as a child JVM, started the way {@code bench/run} starts
 * the command ({@code java OPTS -jar portcullis.jar}), so that its heap, threads and resident set
 * are its own: the benchmark's polling and image building never share them, and its RSS can be
 * read from {@code /proc/PID/status}. {@link #close()} sends SIGTERM (the server hands running
 * jobs back and exits) and kills it if it has not exited within 30 s.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofMinutes(2);

  private final Process process;
  private final Path log;
  private final int apiPort;

  private ServerProcess(Process process, Path log, int apiPort) {
    this.process = process;
    this.log = log;
    this.apiPort = apiPort;
  }

  /** Starts the server and returns once {@code /readyz} answers 200; fails with the tail of its log otherwise. */
  static ServerProcess start(Path java, List<String> javaOptions, Path jar, Path config, int apiPort, Path log, HttpClient http)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(javaOptions);
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "server", "--config", config.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    ServerProcess server = new ServerProcess(p, log, apiPort);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("portcullis server exited with " + p.exitValue() + "; log " + log + ":\n" + server.tail());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(server.api("/readyz")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    server.close();
    throw new IOException("portcullis server was not ready within " + STARTUP.toSeconds() + " s; log " + log + ":\n" + server.tail());
  }

  URI api(String path) {
    return URI.create("http://127.0.0.1:" + apiPort + path);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** VmRSS and VmHWM of the server process, in KiB. */
  record Rss(long rssKib, long peakKib) {}

  Rss rss() throws IOException {
    long rss = -1;
    long hwm = -1;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    if (rss < 0 || hwm < 0) {
      throw new IOException("/proc/" + pid() + "/status has no VmRSS or VmHWM");
    }
    return new Rss(rss, hwm);
  }

  /**
   * User and system CPU seconds the server has used so far ({@code /proc/PID/stat} fields 14 and 15,
   * at the kernel's 100 ticks a second, {@code USER_HZ} on Linux).
   */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"), StandardCharsets.US_ASCII);
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** Resets VmHWM to the current RSS ({@code echo 5 > /proc/PID/clear_refs}, Linux 4.0 and later). */
  void resetPeak() throws IOException {
    Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
