package dev.portcullis.cli;

import dev.portcullis.admission.hook.ClientJar;
import dev.portcullis.admission.hook.ContainersPolicy;
import dev.portcullis.admission.hook.HookAnswer;
import dev.portcullis.admission.hook.HookConfig;
import dev.portcullis.admission.hook.HookDaemon;
import dev.portcullis.admission.hook.HookService;
import dev.portcullis.admission.hook.HooksDirEntry;
import dev.portcullis.admission.hook.NativeClient;
import dev.portcullis.admission.hook.OciState;
import dev.portcullis.sign.key.PublicKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis hook ...}: the OCI runtime hook for podman and CRI-O. */
@Command(name = "hook", mixinStandardHelpOptions = true,
    description = "The OCI runtime hook podman and CRI-O run before each container starts (installed with 'hook install'): with the "
        + "container's state on stdin it reads the bundle's config.json and the image from containers-storage, checks the image's "
        + "signature and verdict (from the server, or from the registry with the configured keys) and the container's host access, "
        + "and refuses the start (non-zero exit, the reason on stderr) when either falls short or no decision can be made.",
    subcommands = {HookCommand.Serve.class, HookCommand.Policy.class, HookCommand.Install.class},
    footer = {"", "Exit codes: 0 admitted, 1 refused by the policy (or a configuration that cannot be read), 2 refused: no decision could be "
        + "made (unreadable state, facts out of reach)."})
final class HookCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "The hook's configuration (YAML or JSON).")
  @Nullable Path config;

  @Override
  public Integer call() throws IOException {
    Main main = Main.of(spec);
    if (config == null) {
      throw new IllegalArgumentException("hook: give --config FILE to decide on the container whose state is on stdin, or a subcommand "
          + "(serve, policy, install; see 'portcullis hook --help')");
    }
    HookConfig loaded = HookConfig.load(config);
    byte[] state = main.in.readNBytes(OciState.MAX_BYTES + 1);
    HookAnswer answer;
    try (HookService service = HookService.open(loaded, false, Clock.systemUTC())) {
      answer = service.hook().decide(state);
    }
    tell(main.err, answer);
    return answer.exitCode();
  }

  static void tell(PrintStream err, HookAnswer answer) {
    if (!answer.message().isEmpty()) {
      err.println(answer.message());
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Run the hook as a daemon on a Unix socket (owner-only): it keeps keys, the server's client and the cache loaded, "
          + "so that each container start pays only for the small client 'hook install --socket' installs. It runs until stopped.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The hook's configuration (YAML or JSON).")
    Path config;

    @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The Unix socket to listen on.")
    Path socket;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      HookConfig loaded = HookConfig.load(config);
      try (HookService service = HookService.open(loaded, true, Clock.systemUTC());
          HookDaemon daemon = HookDaemon.bind(socket, service.hook(), loaded.deadline())) {
        Thread stop = new Thread(() -> {
          try {
            daemon.close();
          } catch (IOException e) {
            // stopping anyway
          }
        }, "portcullis-hook-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        main.err.println("portcullis hook: listening on " + daemon.socket() + " (stage " + loaded.policy().stage() + ", "
            + (loaded.server().isPresent() ? "facts from " + loaded.server().get().url() : "facts from the registries") + ")");
        daemon.serve();
      }
      return 0;
    }
  }

  @Command(name = "policy", mixinStandardHelpOptions = true,
      description = "Write a containers-policy.json that rejects every image except those from the given registries signed (cosign, "
          + "sigstore attachments) by the key, and registries.d/portcullis.yaml that makes podman and CRI-O read those signatures: "
          + "their own check on pull, a second layer under the hook.",
      footer = {"", "Install them as /etc/containers/policy.json and /etc/containers/registries.d/portcullis.yaml (one section per "
          + "registry is allowed across that directory's files). The key file stays where it is: the policy names its absolute path."})
  static final class Policy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "PUB.pem", description = "The public key whose signatures are required.")
    Path key;

    @Option(names = "--registry", required = true, paramLabel = "HOST[:PORT]", description = "A registry images may come from (repeatable).")
    List<String> registries = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = ".", description = "Where to write them (default: here).")
    Path output = Path.of(".");

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      PublicKeys.read(key);
      ContainersPolicy policy = new ContainersPolicy(key.toAbsolutePath().normalize(), registries);
      Path policyFile = output.resolve(ContainersPolicy.POLICY_FILE);
      Path registriesFile = output.resolve(ContainersPolicy.REGISTRIES_FILE);
      write(policyFile, policy.policyJson());
      write(registriesFile, policy.registriesYaml());
      main.out.println("wrote " + policyFile);
      main.out.println("wrote " + registriesFile);
      return 0;
    }
  }

  @Command(name = "install", mixinStandardHelpOptions = true,
      description = "Write the hooks.d entry (portcullis.json) that makes podman and CRI-O run the hook for every container. With --socket "
          + "the entry runs a small client of 'hook serve': JDK-only (written with its class-data archive beside the configuration), or "
          + "built in C with --native-client; without, the whole command line in process (simpler, slowest: a full JVM per start).")
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--hooks-dir", required = true, paramLabel = "DIR",
        description = "The hooks directory (/usr/share/containers/oci/hooks.d, or podman's --hooks-dir).")
    Path hooksDir;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The hook's configuration (YAML or JSON).")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH", description = "The socket of 'hook serve': install its client instead of the full hook.")
    @Nullable Path socket;

    @Option(names = "--native-client", description = "With --socket: build the client in C with the host's C compiler (--cc) instead "
        + "of the JDK client: a container start then waits for no JVM.")
    boolean nativeClient;

    @Option(names = "--cc", paramLabel = "COMPILER", defaultValue = "cc", description = "The C compiler for --native-client (default cc).")
    String cc = "cc";

    @Option(names = "--client-dir", paramLabel = "DIR", description = "Where the client's jar and archive go (default: the configuration's directory).")
    @Nullable Path clientDir;

    @Option(names = "--stage", paramLabel = "STAGE", defaultValue = "createRuntime",
        description = "createRuntime (default) or prestart (deprecated by the runtime spec; for older runtimes).")
    String stage = "createRuntime";

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "How long the runtime waits for the hook (default 10).")
    int timeout = 10;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      Path configFile = config.toAbsolutePath().normalize();
      HookConfig.load(configFile);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      List<String> args = new ArrayList<>(List.of("java"));
      if (nativeClient && socket == null) {
        throw new IllegalArgumentException("hook install: --native-client is the client of 'hook serve': give --socket PATH too");
      }
      Path executable = java;
      if (socket != null && nativeClient) {
        Path dir = (clientDir != null ? clientDir : configFile.getParent()).toAbsolutePath().normalize();
        executable = dir.resolve(NativeClient.FILE);
        NativeClient.build(cc, executable);
        args = new ArrayList<>(List.of(NativeClient.FILE, "--socket", socket.toAbsolutePath().normalize().toString(),
            "--timeout-ms", String.valueOf(TimeUnit.SECONDS.toMillis(timeout) - 500)));
      } else if (socket != null) {
        Path dir = (clientDir != null ? clientDir : configFile.getParent()).toAbsolutePath().normalize();
        Path jar = dir.resolve(ClientJar.FILE);
        Path archive = dir.resolve("portcullis-hook-client.jsa");
        ClientJar.write(jar);
        List<String> jvm = List.of("-Xint", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto", "-XX:SharedArchiveFile=" + archive,
            "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        dumpArchive(java, jar, archive);
        args.addAll(jvm);
        args.addAll(List.of("-cp", jar.toString(), ClientJar.MAIN_CLASS, "--socket", socket.toAbsolutePath().normalize().toString(),
            "--timeout-ms", String.valueOf(TimeUnit.SECONDS.toMillis(timeout) - 500)));
      } else {
        args.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-jar", packagedJar().toString(), "hook", "--config",
            configFile.toString()));
      }
      HooksDirEntry entry = new HooksDirEntry(executable, args, stage, Duration.ofSeconds(timeout));
      Path file = hooksDir.resolve(HooksDirEntry.FILE);
      write(file, entry.json());
      main.out.println("wrote " + file + (socket != null ? " (client of " + socket + ": start 'portcullis hook serve --config " + configFile
          + " --socket " + socket + "' first)" : ""));
      return 0;
    }

    /** The class-data archive of the client, made by running it once (it finds no daemon, which loads the same classes). */
    private static void dumpArchive(Path java, Path jar, Path archive) throws IOException {
      Files.deleteIfExists(archive);
      Process p = new ProcessBuilder(java.toString(), "-Xint", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off", "-cp", jar.toString(), ClientJar.MAIN_CLASS, "--socket", archive.resolveSibling("no-daemon.sock").toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }

    private static Path packagedJar() {
      try {
        Path location = Path.of(HookCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
          throw new IllegalArgumentException("hook install: the command line is not running from its packaged jar (" + location
              + "), which the hook entry must name; run it through bin/portcullis, or give --socket");
        }
        return location.toAbsolutePath();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("hook install: where the command line's jar is cannot be told: " + e.getMessage(), e);
      }
    }
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
