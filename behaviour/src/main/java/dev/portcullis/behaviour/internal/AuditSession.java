package dev.portcullis.behaviour.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Exec events from the Linux audit subsystem: our own rules ({@code -S execve,execveat}, and forks and setns to follow
 * process trees; both ABIs) under keys of our own, read from the audit log as it grows. Only one audit daemon runs per
 * system: when none runs, a private {@code auditd} is started with its configuration and log under the state
 * directory and stopped at {@link #close()}; when one runs, its log is read (it must be readable; {@code RAW} or
 * {@code ENRICHED}). {@link #close()} removes exactly the rules with our keys; the host's other audit rules are never
 * touched.
 */
public final class AuditSession implements AutoCloseable {
  /** The prefix of every rule key we add. */
  public static final String KEY_PREFIX = "portcullis-";
  /** Where a running audit daemon writes unless told otherwise. */
  public static final Path DEFAULT_LOG = Path.of("/var/log/audit/audit.log");
  private static final Duration COMMAND = Duration.ofSeconds(10);
  private static final Duration STALE = Duration.ofMillis(200);

  private final OwnProcesses own;
  private final String key;
  private final @Nullable Process daemon;
  private final Path log;
  private final Consumer<ExecEvent> events;
  private final Consumer<String> failed;
  private final Thread reader;
  private volatile boolean closing;

  private AuditSession(OwnProcesses own, String key, @Nullable Process daemon, Path log, Consumer<ExecEvent> events,
      Consumer<String> failed) {
    this.own = own;
    this.key = key;
    this.daemon = daemon;
    this.log = log;
    this.events = events;
    this.failed = failed;
    this.reader = new Thread(this::read, "portcullis-audit-reader");
    this.reader.setDaemon(true);
  }

  /**
   * Adds our exec rules and starts reading; {@code events} is called on one thread, in log order, for each exec of
   * any process (the caller attributes them); {@code failed} once when reading stops on its own.
   *
   * @param stateDir where a private daemon keeps its configuration and log
   * @param log the running daemon's log; null: {@link #DEFAULT_LOG}
   */
  public static AuditSession start(OwnProcesses own, Path stateDir, @Nullable Path log, Consumer<ExecEvent> events,
      Consumer<String> failed, Consumer<String> progress) throws IOException {
    Commands.Result status = Commands.run(own, COMMAND, List.of("auditctl", "-s"), null);
    if (status.exitCode() != 0) {
      throw new IOException("read the audit status (auditctl -s): " + status.stderrLine());
    }
    long daemonPid = statusValue(status.stdout(), "pid");
    long enabled = statusValue(status.stdout(), "enabled");
    if (enabled == 0) {
      throw new IOException("audit is disabled in this kernel (auditctl -s: enabled 0); exec events need it: "
          + "run auditctl -e 1");
    }
    if (enabled == 2) {
      throw new IOException("the audit rules are locked (auditctl -s: enabled 2): no rule can be added until reboot");
    }
    Process daemon = null;
    Path logFile;
    if (daemonPid == 0) {
      Path dir = Files.createDirectories(stateDir.resolve("auditd"));
      logFile = dir.resolve("audit.log");
      Path conf = dir.resolve("auditd.conf");
      // RAW: the ENRICHED format appends a 0x1d-separated part to each record
      Files.writeString(conf, """
          log_file = %s
          log_format = RAW
          flush = INCREMENTAL_ASYNC
          freq = 1
          write_logs = yes
          num_logs = 2
          max_log_file = 64
          max_log_file_action = ROTATE
          space_left = 2
          admin_space_left = 1
          disk_full_action = IGNORE
          disk_error_action = IGNORE
          """.formatted(logFile));
      Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
      progress.accept("audit: no audit daemon runs; starting a private one, log " + logFile);
      try {
        daemon = own.start(new ProcessBuilder("auditd", "-c", dir.toString(), "-n")
            .redirectOutput(dir.resolve("auditd.out").toFile()).redirectErrorStream(true));
      } catch (IOException e) {
        throw new IOException("start auditd: " + e.getMessage(), e);
      }
      long until = System.nanoTime() + COMMAND.toNanos();
      while (!Files.exists(logFile) || statusValue(Commands.run(own, COMMAND, List.of("auditctl", "-s"), null)
          .stdout(), "pid") == 0) {
        if (!daemon.isAlive() || System.nanoTime() > until) {
          daemon.destroyForcibly();
          String out = Files.exists(dir.resolve("auditd.out")) ? Files.readString(dir.resolve("auditd.out")).strip()
              : "";
          throw new IOException("start auditd -c " + dir + ": " + (daemon.isAlive() ? "no log within "
              + COMMAND.toSeconds() + " s" : "it ended") + (out.isEmpty() ? "" : ": " + out.replace('\n', ' ')));
        }
        sleep(20);
      }
    } else {
      logFile = log == null ? DEFAULT_LOG : log;
      if (!Files.isReadable(logFile)) {
        throw new IOException("read the audit log " + logFile + " of the running audit daemon (pid " + daemonPid
            + "): not readable; give its path");
      }
      progress.accept("audit: reading the running audit daemon's log " + logFile);
    }
    String key = KEY_PREFIX + Long.toHexString(ProcessHandle.current().pid()) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16, 1 << 20));
    AuditSession session = new AuditSession(own, key, daemon, logFile, events, failed);
    try {
      session.position = Files.size(logFile);
      // forks and setns too: a child that execs and ends within milliseconds (socat's EXEC) is attributed through the
      // chain of forks, and a process entering a namespace (ip netns exec, nsenter, runc) through its setns
      for (String arch : List.of("b64", "b32")) {
        for (List<String> rule : List.of(List.of("-S", "execve,execveat", "-k", key + "-x"),
            List.of("-S", "clone,clone3,fork,vfork,setns", "-F", "success=1", "-k", key + "-f"))) {
          List<String> command = new java.util.ArrayList<>(List.of("auditctl", "-a", "always,exit", "-F",
              "arch=" + arch));
          command.addAll(rule);
          Commands.Result r = Commands.run(own, COMMAND, command, null);
          if (r.exitCode() != 0 && arch.equals("b64")) {
            throw new IOException("add audit rule " + String.join(" ", command.subList(1, command.size())) + ": "
                + r.stderrLine());
          } else if (r.exitCode() != 0) {
            progress.accept("audit: no rule for 32-bit programs (" + r.stderrLine() + ")");
          }
        }
      }
      session.reader.start();
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** The key of our rules. */
  public String key() {
    return key;
  }

  private long position;

  private void read() {
    ExecEvent.Assembler assembler = new ExecEvent.Assembler(key + "-x", key + "-f");
    StringBuilder line = new StringBuilder();
    ByteBuffer buf = ByteBuffer.allocate(64 << 10);
    FileChannel channel = null;
    Object fileKey = null;
    try {
      while (!closing) {
        if (channel == null) {
          try {
            channel = FileChannel.open(log, StandardOpenOption.READ);
            fileKey = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            channel.position(Math.min(position, channel.size()));
          } catch (NoSuchFileException e) {
            sleep(10); // rotated: the daemon creates the new log in a moment
            continue;
          }
        }
        buf.clear();
        int n = channel.read(buf);
        if (n > 0) {
          buf.flip();
          String chunk = StandardCharsets.UTF_8.decode(buf).toString();
          for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n') {
              assembler.accept(line.toString()).forEach(events);
              line.setLength(0);
            } else if (line.length() < LineProcess.MAX_LINE * 4) {
              line.append(c);
            }
          }
          continue;
        }
        assembler.flush(Instant.now().minus(STALE)).forEach(events);
        Object nowKey = null;
        long size = -1;
        try {
          nowKey = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
          size = Files.size(log);
        } catch (NoSuchFileException e) {
          // rotated and not yet recreated
        }
        if (nowKey == null || !nowKey.equals(fileKey) || size < channel.position()) {
          channel.close(); // rotated or truncated: what the old file held was read to its end above
          channel = null;
          position = 0;
          line.setLength(0);
          continue;
        }
        sleep(5);
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        failed.accept("read the audit log " + log + ": " + e.getMessage());
      }
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing more is read from it
        }
      }
    }
  }

  /** Removes our rules, stops reading and stops a private daemon; the host's other rules stay as they were. */
  @Override
  public void close() throws IOException {
    closing = true;
    IOException failure = null;
    try {
      for (String k : List.of(key + "-x", key + "-f")) {
        Commands.Result r = Commands.run(own, COMMAND, List.of("auditctl", "-D", "-k", k), null);
        if (r.exitCode() != 0) {
          failure = new IOException("remove the audit rules with key " + k + " (auditctl -D -k): " + r.stderrLine());
        }
      }
    } catch (IOException e) {
      failure = e;
    }
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (daemon != null) {
      daemon.destroy();
      try {
        if (!daemon.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static long statusValue(String status, String name) {
    for (String line : status.split("\n")) {
      String[] parts = line.trim().split(" ");
      if (parts.length == 2 && parts[0].equals(name) && parts[1].matches("[0-9]{1,10}")) {
        return Long.parseLong(parts[1]);
      }
    }
    return -1;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
