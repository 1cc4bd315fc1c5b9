package dev.portcullis.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's {@code postgresql} package, started for one test: its own
 * data directory (made by {@code initdb}), a free port on 127.0.0.1, trust authentication for the
 * user {@code portcullis}, run as {@code nobody} when the tests run as root (PostgreSQL refuses
 * root). {@link #close()} stops it and deletes its data.
 */
public final class Postgres implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Path dir;
  private final int port;
  private final Path logFile;

  private Postgres(Process process, Path dir, int port, Path logFile) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.logFile = logFile;
  }

  /** The newest installed server's binaries ({@code /usr/lib/postgresql/N/bin}). */
  static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      throw new IOException("PostgreSQL is not installed (apt-get install postgresql; bin/test installs it)");
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.filter(p -> Files.isExecutable(p.resolve("bin/postgres")))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
          .map(p -> p.resolve("bin"))
          .orElseThrow(() -> new IOException("no PostgreSQL server under " + root));
    }
  }

  public static Postgres start() {
    try {
      Path bin = binaries();
      Path dir = Files.createTempDirectory("portcullis-pg-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path data = dir.resolve("data");
      Files.createDirectories(data);
      boolean root = "root".equals(System.getProperty("user.name"));
      if (root) {
        Tools.run(Duration.ofSeconds(30), "chown", "-R", "nobody:nogroup", dir.toString());
      }
      Tools.Result init = Tools.run(Duration.ofMinutes(2), as(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "portcullis",
          "--auth=trust", "--encoding=UTF8", "--no-sync"));
      if (init.exitCode() != 0) {
        throw new IOException("initdb failed: " + init.stderr());
      }
      int port = RegistryProcess.freePort();
      Path logFile = dir.resolve("postgres.log");
      Process p = new ProcessBuilder(as(root, bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
          "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200",
          "-c", "full_page_writes=off"))
          .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
      long deadline = System.nanoTime() + STARTUP.toNanos();
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IOException("postgres exited with " + p.exitValue() + ": " + Files.readString(logFile));
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
          Tools.Result ready = Tools.run(Duration.ofSeconds(10), bin.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p",
              String.valueOf(port), "-U", "portcullis", "-d", "postgres");
          if (ready.exitCode() == 0) {
            return new Postgres(p, dir, port, logFile);
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(200);
      }
      p.destroyForcibly();
      throw new IOException("postgres did not answer within " + STARTUP + ": " + Files.readString(logFile));
    } catch (IOException e) {
      throw new UncheckedIOException("start PostgreSQL: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("start PostgreSQL: interrupted", e);
    }
  }

  private static List<String> as(boolean root, String... command) {
    List<String> c = new ArrayList<>();
    if (root) {
      c.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    }
    c.addAll(List.of(command));
    return c;
  }

  public int port() {
    return port;
  }

  /** A JDBC URL of a new, empty database {@code name} on this server. */
  public String createDatabase(String name) {
    try {
      Tools.Result r = Tools.run(Duration.ofSeconds(30), binaries().resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
          String.valueOf(port), "-U", "portcullis", name);
      if (r.exitCode() != 0) {
        throw new IOException("createdb " + name + ": " + r.stderr());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=portcullis";
  }

  public Path logFile() {
    return logFile;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL on 127.0.0.1:" + port + " (log " + logFile + ")";
  }
}
