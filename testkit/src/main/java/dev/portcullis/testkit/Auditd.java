package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Linux audit daemon standing in for a host's own: {@code auditd -n} with its configuration and log in a temporary
 * directory, in the given log format ({@code ENRICHED} is Debian's default, {@code RAW} the kernel's records as they
 * are). Only one audit daemon can run per system: {@link #start} fails when one already runs. {@link #close()} stops
 * it and deletes the directory; audit rules are not its business (the kernel keeps them after the daemon stops).
 */
public final class Auditd implements AutoCloseable {
  private static final Duration COMMAND = Duration.ofSeconds(10);

  private final Path dir;
  private final Process process;

  private Auditd(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /** Starts the daemon; returns once it is registered with the kernel and its log exists. */
  public static Auditd start(String logFormat) throws IOException {
    Tools.require("auditd");
    if (!logFormat.equals("RAW") && !logFormat.equals("ENRICHED")) {
      throw new IllegalArgumentException("auditd: a log format is RAW or ENRICHED, not " + logFormat);
    }
    if (pid() != 0) {
      throw new IOException("auditd: an audit daemon already runs (auditctl -s: pid " + pid() + ")");
    }
    Path dir = Files.createTempDirectory("pcl-auditd-");
    Path conf = dir.resolve("auditd.conf");
    Files.writeString(conf, """
        log_file = %s
        log_format = %s
        flush = INCREMENTAL_ASYNC
        freq = 1
        num_logs = 2
        max_log_file = 64
        max_log_file_action = ROTATE
        space_left = 2
        admin_space_left = 1
        disk_full_action = IGNORE
        disk_error_action = IGNORE
        """.formatted(dir.resolve("audit.log"), logFormat));
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r-----"));
    Process p = new ProcessBuilder("auditd", "-c", dir.toString(), "-n").redirectErrorStream(true)
        .redirectOutput(dir.resolve("auditd.out").toFile()).start();
    Auditd auditd = new Auditd(dir, p);
    try {
      long until = System.nanoTime() + COMMAND.toNanos();
      while (pid() == 0 || !Files.exists(auditd.log())) {
        if (!p.isAlive() || System.nanoTime() > until) {
          throw new IOException("auditd -c " + dir + ": not running after " + COMMAND.toSeconds() + " s: "
              + Exec.logTail(dir.resolve("auditd.out"), 3));
        }
        Thread.sleep(20);
      }
    } catch (IOException | RuntimeException e) {
      auditd.close();
      throw e;
    } catch (InterruptedException e) {
      auditd.close();
      Thread.currentThread().interrupt();
      throw new IOException("auditd: interrupted", e);
    }
    return auditd;
  }

  /** The log it writes. */
  public Path log() {
    return dir.resolve("audit.log");
  }

  /** The PID {@code auditctl -s} reports for the running audit daemon; 0 when none runs. */
  public static long pid() throws IOException {
    for (String line : Tools.run(COMMAND, "auditctl", "-s").stdoutText().split("\n")) {
      if (line.startsWith("pid ")) {
        return Long.parseLong(line.substring(4).strip());
      }
    }
    return 0;
  }

  /** Stops the daemon and deletes its directory. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Dirs.deleteTree(dir);
  }

  @Override
  public String toString() {
    return "auditd in " + dir;
  }
}
