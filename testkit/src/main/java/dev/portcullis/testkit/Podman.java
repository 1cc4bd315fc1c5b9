package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Real podman (Debian's 4.3) with runc, as root, in a world of its own: storage ({@code --root}, {@code --runroot},
 * driver {@code vfs}), libpod state ({@code --tmpdir}, file events), {@code containers.conf}, {@code
 * registries.conf} (no search registries; the given hosts insecure) and signature policy (accept anything unless
 * {@link Options#signaturePolicy()} names one) all in a temporary directory, with {@code --cgroup-manager cgroupfs}
 * and optional OCI hooks directory. Nothing it pulls or runs is seen by another instance. {@link #close()} removes
 * its containers and deletes the directory.
 */
public final class Podman implements AutoCloseable {
  /** The longest a {@link #run} or {@link #podman} call may take unless told otherwise. */
  public static final Duration DEADLINE = Duration.ofMinutes(2);

  /**
   * How to set an instance up.
   *
   * @param hooksDir OCI hooks directory ({@code --hooks-dir}); none: no hooks at all (not the system's)
   * @param signaturePolicy a {@code policy.json} for pulls and runs; none: accept anything
   * @param insecureRegistries {@code HOST:PORT}s reached over plain HTTP or untrusted TLS
   */
  public record Options(@Nullable Path hooksDir, @Nullable Path signaturePolicy, List<String> insecureRegistries) {
    public Options {
      insecureRegistries = List.copyOf(insecureRegistries);
      for (String host : insecureRegistries) {
        if (!host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
          throw new IllegalArgumentException("podman: an insecure registry is HOST or HOST:PORT, not " + host);
        }
      }
    }

    /** No hooks, accept-anything policy, no insecure registries. */
    public static Options defaults() {
      return new Options(null, null, List.of());
    }

    public Options withHooksDir(Path dir) {
      return new Options(dir, signaturePolicy, insecureRegistries);
    }

    public Options withSignaturePolicy(Path policyJson) {
      return new Options(hooksDir, policyJson, insecureRegistries);
    }

    /** These options, with {@code registry}'s host reached over plain HTTP. */
    public Options withInsecureRegistry(RegistryProcess registry) {
      List<String> hosts = new ArrayList<>(insecureRegistries);
      hosts.add(registry.host());
      return new Options(hooksDir, signaturePolicy, hosts);
    }
  }

  private final Path dir;
  private final Options options;
  private final Path policy;
  private final Path emptyHooks;
  private final Map<String, String> env;

  private Podman(Path dir, Options options, Path policy, Path emptyHooks, Map<String, String> env) {
    this.dir = dir;
    this.options = options;
    this.policy = policy;
    this.emptyHooks = emptyHooks;
    this.env = env;
  }

  /** Writes the instance's configuration into a new temporary directory; fails when podman or runc is missing. */
  public static Podman create(Options options) throws IOException {
    Tools.require("podman");
    Tools.require("runc");
    // under /tmp with a short name: podman refuses a run root longer than 50 characters
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "pcs-podman-");
    try {
      Path conf = dir.resolve("containers.conf");
      Files.writeString(conf, """
          [engine]
          cgroup_manager = "cgroupfs"
          events_logger = "file"
          runtime = "runc"
          """);
      StringBuilder registries = new StringBuilder("unqualified-search-registries = []\n");
      for (String host : options.insecureRegistries()) {
        registries.append("\n[[registry]]\nlocation = \"").append(host).append("\"\ninsecure = true\n");
      }
      Path registriesConf = dir.resolve("registries.conf");
      Files.writeString(registriesConf, registries);
      Path policy = options.signaturePolicy();
      if (policy == null) {
        policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n");
      }
      Path emptyHooks = Files.createDirectories(dir.resolve("no-hooks"));
      for (String sub : List.of("root", "runroot", "tmp")) {
        Files.createDirectories(dir.resolve(sub));
      }
      return new Podman(dir, options, policy, emptyHooks,
          Map.of("CONTAINERS_CONF", conf.toString(), "CONTAINERS_REGISTRIES_CONF", registriesConf.toString()));
    } catch (IOException | RuntimeException e) {
      Dirs.deleteTree(dir);
      throw e;
    }
  }

  /** {@code podman} with this instance's global flags, then {@code args}: the argv {@link #podman} runs. */
  public List<String> command(List<String> args) {
    Path hooks = options.hooksDir() == null ? emptyHooks : options.hooksDir();
    List<String> c = new ArrayList<>(List.of("podman",
        "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("runroot").toString(),
        "--tmpdir", dir.resolve("tmp").toString(), "--storage-driver", "vfs",
        "--cgroup-manager", "cgroupfs", "--runtime", "runc", "--events-backend", "file",
        "--hooks-dir", hooks.toString()));
    c.addAll(args);
    return c;
  }

  /** The environment {@link #command} needs ({@code CONTAINERS_CONF}, {@code CONTAINERS_REGISTRIES_CONF}). */
  public Map<String, String> environment() {
    return env;
  }

  /** Runs any podman command of this instance; every exit code is an answer. */
  public Tools.Result podman(Duration deadline, List<String> args) throws Tools.ToolException {
    return Exec.run(deadline, env, command(args));
  }

  /** Pulls {@code reference} under the instance's signature policy; fails with podman's error. */
  public void pull(String reference) throws IOException {
    Tools.Result r = podman(DEADLINE, List.of("pull", "--quiet", "--signature-policy", policy.toString(), reference));
    if (r.exitCode() != 0) {
      throw new Tools.ToolException("podman pull " + reference + ": exit code " + r.exitCode() + "; " + Tools.tail(r.stderr()));
    }
  }

  /**
   * {@code podman run --signature-policy P --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none ARGS}:
   * {@code args} are run's own flags, the image and its command; a flag in {@code args} overrides these defaults
   * ({@code --network host}). Podman exits with 125 when it fails itself, 126 when the container cannot be started
   * (a failing prestart hook), 127 when the command is not found, else the command's exit code.
   */
  public Tools.Result run(Duration deadline, List<String> args) throws Tools.ToolException {
    List<String> c = new ArrayList<>(List.of("run", "--signature-policy", policy.toString(),
        "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--network", "none"));
    c.addAll(args);
    return podman(deadline, c);
  }

  /** As {@link #run(Duration, List)} with the {@link #DEADLINE}. */
  public Tools.Result run(String... args) throws Tools.ToolException {
    return run(DEADLINE, List.of(args));
  }

  /** The storage root ({@code --root}), where {@code containers-storage} keeps images and containers. */
  public Path storageRoot() {
    return dir.resolve("root");
  }

  /** The run root ({@code --runroot}). */
  public Path runRoot() {
    return dir.resolve("runroot");
  }

  public Optional<Path> hooksDir() {
    return Optional.ofNullable(options.hooksDir());
  }

  /** Removes every container of this instance, then its directory; what is still mounted is unmounted first. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      podman(DEADLINE, List.of("rm", "--all", "--force", "--time", "0"));
    } catch (Tools.ToolException e) {
      failure = e;
    }
    for (String mount : Dirs.mountsUnder(dir).reversed()) {
      Exec.run(Duration.ofSeconds(30), Map.of(), List.of("umount", "-l", mount));
    }
    // conmon writes a removed container's exit file and event after podman rm returns: retry a few times
    for (int attempt = 1; ; attempt++) {
      try {
        Dirs.deleteTree(dir);
        break;
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        if (attempt == 5) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "podman in " + dir;
  }
}
