package dev.portcullis.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A real Docker engine (Debian's {@code docker.io} 20.10 {@code dockerd}, with the containerd it starts itself) for
 * one test: data root, exec root, Unix socket and pid file in a temporary directory, no iptables, no bridge (so
 * containers run with {@code --network none}), optional authorization plugins and insecure registries. {@link
 * #docker} runs the {@code docker} client against it. {@link #close()} stops the engine (and its containerd and
 * containers) and deletes the directory; the log stays beside the other test logs.
 */
public final class Dockerd implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Duration PING_DEADLINE = Duration.ofSeconds(2);
  /** The longest a {@link #docker} call may take unless told otherwise. */
  public static final Duration DEADLINE = Duration.ofMinutes(2);
  private static final Pattern PLUGIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * How to start the engine.
   *
   * @param authorizationPlugins names given to {@code --authorization-plugin}, found by dockerd through a spec file
   *     ({@link #pluginSpec}) or a socket in {@code /run/docker/plugins}
   * @param insecureRegistries {@code HOST:PORT}s pulled from over plain HTTP (dockerd already treats 127.0.0.0/8 so)
   * @param daemonJson the engine's {@code daemon.json}, written beside its socket and given with {@code
   *     --config-file}; none: an empty one (never the machine's {@code /etc/docker/daemon.json})
   * @param boundedRuntime run containers with {@link #BOUNDED_RUNTIME}, runc behind a wrapper that drops from each
   *     container's capabilities those outside the test process's bounding set: where the tests themselves run in a
   *     container without {@code CAP_SYS_RESOURCE}, runc refuses {@code --privileged} (which asks for every
   *     capability) with "unable to apply caps: operation not permitted", and podman drops it by itself. The
   *     container's inspect data is unchanged but for {@code HostConfig.Runtime}.
   * @param configFileJoined give the config file as one argument {@code --config-file=PATH} instead of two; dockerd
   *     reads both alike, tools that read dockerd's command line may not
   */
  public record Options(List<String> authorizationPlugins, List<String> insecureRegistries, @Nullable String daemonJson,
      boolean boundedRuntime, boolean configFileJoined) {
    public Options {
      authorizationPlugins = List.copyOf(authorizationPlugins);
      insecureRegistries = List.copyOf(insecureRegistries);
      for (String name : authorizationPlugins) {
        if (!PLUGIN_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("dockerd: a plugin name is [A-Za-z0-9._-], at most 64, not " + name);
        }
      }
    }

    public static Options defaults() {
      return new Options(List.of(), List.of(), null, false, false);
    }

    public Options withAuthorizationPlugin(String name) {
      List<String> names = new ArrayList<>(authorizationPlugins);
      names.add(name);
      return new Options(names, insecureRegistries, daemonJson, boundedRuntime, configFileJoined);
    }

    public Options withInsecureRegistry(RegistryProcess registry) {
      List<String> hosts = new ArrayList<>(insecureRegistries);
      hosts.add(registry.host());
      return new Options(authorizationPlugins, hosts, daemonJson, boundedRuntime, configFileJoined);
    }

    /**
     * These options with {@code json} as the engine's {@code daemon.json}. With {@code "live-restore": true} the
     * engine leaves its containers running when it stops: remove them before {@link #close()}.
     */
    public Options withDaemonJson(String json) {
      return new Options(authorizationPlugins, insecureRegistries, json, boundedRuntime, configFileJoined);
    }

    /** These options with containers run by {@link #BOUNDED_RUNTIME}, so {@code --privileged} starts here. */
    public Options withBoundedRuntime() {
      return new Options(authorizationPlugins, insecureRegistries, daemonJson, true, configFileJoined);
    }

    /** These options with {@code --config-file=PATH} as one argument. */
    public Options withConfigFileJoined() {
      return new Options(authorizationPlugins, insecureRegistries, daemonJson, boundedRuntime, true);
    }
  }

  /** The name of the runtime {@link Options#boundedRuntime()} adds and makes the default. */
  public static final String BOUNDED_RUNTIME = "runc-bounded";

  // runc, after dropping from the bundle's config.json every capability outside this process's bounding set
  private static final String BOUNDED_RUNC = """
      #!/bin/sh
      bundle=""
      prev=""
      for a in "$@"; do
        if [ "$prev" = "--bundle" ] || [ "$prev" = "-b" ]; then bundle=$a; fi
        prev=$a
      done
      if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
        python3 - "$bundle/config.json" <<'PY' || exit 1
      import json, sys
      bounding = 0
      for line in open('/proc/self/status'):
          if line.startswith('CapBnd:'):
              bounding = int(line.split()[1], 16)
      names = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
               'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
               'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
               'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
               'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
               'CHECKPOINT_RESTORE']
      allowed = {'CAP_' + n for i, n in enumerate(names) if bounding >> i & 1}
      path = sys.argv[1]
      with open(path) as f:
          spec = json.load(f)
      caps = spec.get('process', {}).get('capabilities') or {}
      for kind in caps:
          caps[kind] = [c for c in caps[kind] if c in allowed]
      with open(path, 'w') as f:
          json.dump(spec, f)
      PY
      fi
      exec runc "$@"
      """;

  /** A plugin spec file {@code /etc/docker/plugins/NAME.spec} naming a plugin's Unix socket; {@link #close()} deletes it. */
  public static final class PluginSpec implements AutoCloseable {
    private final String name;
    private final Path file;

    private PluginSpec(String name, Path file) {
      this.name = name;
      this.file = file;
    }

    public String name() {
      return name;
    }

    public Path file() {
      return file;
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(file);
    }

    @Override
    public String toString() {
      return "plugin spec " + file;
    }
  }

  private final Process process;
  private final Path dir;
  private final Path socket;
  private final Path logFile;

  private Dockerd(Process process, Path dir, Path socket, Path logFile) {
    this.process = process;
    this.dir = dir;
    this.socket = socket;
    this.logFile = logFile;
  }

  /**
   * Writes {@code /etc/docker/plugins/NAME.spec} with {@code unix://SOCKET} (the fixed place where dockerd discovers
   * plugins; an older spec of that name, left by a killed run, is replaced). Needs root.
   */
  public static PluginSpec pluginSpec(String name, Path socket) throws IOException {
    if (!PLUGIN_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("dockerd: a plugin name is [A-Za-z0-9._-], at most 64, not " + name);
    }
    Path dir = Files.createDirectories(Path.of("/etc/docker/plugins"));
    Path file = dir.resolve(name + ".spec");
    Files.writeString(file, "unix://" + socket.toAbsolutePath() + "\n");
    return new PluginSpec(name, file);
  }

  /** Starts dockerd and waits until its socket answers {@code /_ping}; fails with the log's tail when it does not. */
  public static Dockerd start(Options options) throws IOException {
    Tools.require("dockerd");
    // under /tmp with a short name: Unix socket paths (containerd's, its shims') must stay under 108 bytes. The name
    // must not contain "dockerd": the containerd this engine starts names the directory in its command line, and a
    // tool that finds dockerd by searching command lines for that word (docker-bench-security) would read containerd's
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "pcs-engine-");
    Path socket = dir.resolve("docker.sock");
    Path config = dir.resolve("daemon.json");
    Files.writeString(config, options.daemonJson() == null ? "{}\n" : options.daemonJson());
    Path logDir = Files.createDirectories(logDir());
    Path logFile = logDir.resolve("dockerd-" + dir.getFileName() + ".log");
    List<String> c = new ArrayList<>(List.of("dockerd",
        "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
        "-H", "unix://" + socket, "--pidfile", dir.resolve("docker.pid").toString()));
    c.addAll(options.configFileJoined() ? List.of("--config-file=" + config) : List.of("--config-file", config.toString()));
    c.addAll(List.of("--iptables=false", "--ip-masq=false", "--bridge=none"));
    if (options.boundedRuntime()) {
      Path wrapper = dir.resolve(BOUNDED_RUNTIME);
      Files.writeString(wrapper, BOUNDED_RUNC);
      Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      c.add("--add-runtime=" + BOUNDED_RUNTIME + "=" + wrapper);
      c.add("--default-runtime=" + BOUNDED_RUNTIME);
    }
    for (String plugin : options.authorizationPlugins()) {
      c.add("--authorization-plugin=" + plugin);
    }
    for (String host : options.insecureRegistries()) {
      c.add("--insecure-registry=" + host);
    }
    Process process;
    try {
      process = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(logFile.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    } catch (IOException e) {
      Dirs.deleteTree(dir);
      throw new IOException("start dockerd: " + e.getMessage(), e);
    }
    Dockerd dockerd = new Dockerd(process, dir, socket, logFile);
    try {
      dockerd.awaitReady();
    } catch (IOException | RuntimeException e) {
      dockerd.close();
      throw e;
    }
    return dockerd;
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("start dockerd: it exited with code " + process.exitValue() + "; log " + logFile + ":\n"
            + Exec.logTail(logFile, 30));
      }
      if (Files.exists(socket) && answersPing()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("start dockerd: interrupted", e);
      }
    }
    throw new IOException("start dockerd: " + socket + " did not answer /_ping within " + STARTUP.toSeconds() + " s; log "
        + logFile + ":\n" + Exec.logTail(logFile, 30));
  }

  /** True once the engine answers HTTP on its socket at all: with an authorization plugin even a ping may be refused. */
  private boolean answersPing() {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      ByteBuffer buf = ByteBuffer.allocate(64);
      long until = System.nanoTime() + PING_DEADLINE.toNanos();
      while (buf.position() < 8 && System.nanoTime() < until) {
        selector.select(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        selector.selectedKeys().clear();
        if (ch.read(buf) < 0) {
          break;
        }
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.");
    } catch (IOException e) {
      return false;
    }
  }

  /** The {@code daemon.json} the engine was started with ({@code --config-file}). */
  public Path daemonJson() {
    return dir.resolve("daemon.json");
  }

  /** {@code unix:///.../docker.sock}, the {@code DOCKER_HOST} of this engine. */
  public String host() {
    return "unix://" + socket;
  }

  public Path socket() {
    return socket;
  }

  public Path logFile() {
    return logFile;
  }

  /** The engine's log so far. */
  public String log() {
    try {
      return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Runs the {@code docker} client on the PATH against this engine ({@code DOCKER_HOST}); every exit code is an answer. */
  public Tools.Result docker(Duration deadline, List<String> args) throws Tools.ToolException {
    Tools.require("docker");
    List<String> c = new ArrayList<>(List.of("docker"));
    c.addAll(args);
    return Exec.run(deadline, Map.of("DOCKER_HOST", host(), "DOCKER_CONFIG", dir.resolve("client").toString()), c);
  }

  /** As {@link #docker(Duration, List)} with the {@link #DEADLINE}. */
  public Tools.Result docker(String... args) throws Tools.ToolException {
    return docker(DEADLINE, List.of(args));
  }

  /** Stops the engine (SIGTERM; it stops its containerd and containers), then deletes its directory. */
  @Override
  public void close() throws IOException {
    Exec.stop(process, STOP_GRACE);
    for (String mount : Dirs.mountsUnder(dir).reversed()) {
      Exec.run(Duration.ofSeconds(30), Map.of(), List.of("umount", "-l", mount));
    }
    Dirs.deleteTree(dir);
  }

  @Override
  public String toString() {
    return "dockerd " + host() + " (log " + logFile + ")";
  }

  private static Path logDir() {
    Path target = Path.of("target");
    return Files.isDirectory(target) ? target.resolve("dockerd-logs")
        : Path.of(System.getProperty("java.io.tmpdir"), "portcullis-dockerd-logs");
  }
}
