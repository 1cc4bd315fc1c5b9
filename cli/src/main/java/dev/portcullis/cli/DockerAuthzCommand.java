package dev.portcullis.cli;

import dev.portcullis.admission.docker.AuthzServer;
import dev.portcullis.admission.docker.DockerAdmission;
import dev.portcullis.admission.docker.DockerAuthzConfig;
import dev.portcullis.core.TerminalText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis docker-authz --socket PATH --config FILE}: the Docker engine's authorization plugin, until it is stopped. */
@Command(name = "docker-authz", mixinStandardHelpOptions = true,
    description = "Serve the Docker engine's authorization plugin on a Unix socket: docker run (POST /containers/create) is refused unless "
        + "the image, pinned to the digest the engine pulled it by, is signed and has a passing verdict for the configured stage, and the "
        + "container keeps the host isolation the configuration asks for; docker exec is refused when the configuration says exec: deny. "
        + "Writes the plugin spec file SPEC-DIR/NAME.spec; start dockerd with --authorization-plugin=NAME. docs/admission.md describes "
        + "the configuration.",
    footer = {"", "While the plugin is stopped the engine refuses every request (after retrying for about 30 seconds).",
        "It runs until SIGTERM or SIGINT, then exits 0. Exit codes: 2 the configuration, keys or socket are not usable."})
final class DockerAuthzCommand implements Callable<Integer> {
  static final int ERROR = 2;

  @Spec CommandSpec spec;

  @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The Unix socket to serve the plugin on.")
  Path socket;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The plugin's YAML configuration.")
  Path config;

  @Option(names = "--spec-dir", paramLabel = "DIR", description = "Where the engine looks for plugin spec files (default ${DEFAULT-VALUE}).")
  Path specDir = Path.of("/etc/docker/plugins");

  @Option(names = "--name", paramLabel = "NAME", description = "The plugin's name, as --authorization-plugin gives it (default ${DEFAULT-VALUE}).")
  String name = "portcullis";

  @Override
  public Integer call() {
    Main main = Main.of(spec);
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      main.err.println("portcullis docker-authz: --name " + TerminalText.escape(name) + ": letters, digits, '.', '_' and '-' only");
      return ERROR;
    }
    DockerAdmission admission;
    AuthzServer server;
    Path specFile = specDir.resolve(name + ".spec");
    try {
      DockerAuthzConfig loaded = DockerAuthzConfig.load(config);
      admission = DockerAdmission.open(loaded, Clock.systemUTC(), p -> main.err.println("portcullis docker-authz: " + TerminalText.escape(p)));
      try {
        server = AuthzServer.start(socket.toAbsolutePath(), admission, AuthzServer.Limits.DEFAULT,
            p -> main.err.println("portcullis docker-authz: " + TerminalText.escape(p)));
        writeSpec(specFile, socket.toAbsolutePath());
      } catch (IOException | RuntimeException e) {
        admission.close();
        throw e;
      }
    } catch (IOException | IllegalArgumentException e) {
      main.err.println("portcullis docker-authz: " + TerminalText.escape(String.valueOf(e.getMessage())));
      return ERROR;
    }
    main.err.println("portcullis docker-authz: serving on unix://" + socket.toAbsolutePath() + " (spec " + specFile
        + "); start dockerd with --authorization-plugin=" + name);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        // the process is ending; the socket file goes with the next start
      }
      admission.close();
      stopped.countDown();
    }, "portcullis-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The spec file the engine finds the plugin by: its socket's address, written whole or not at all. */
  static void writeSpec(Path specFile, Path socket) throws IOException {
    Files.createDirectories(specFile.getParent());
    Path tmp = specFile.resolveSibling("." + specFile.getFileName() + ".tmp");
    Files.writeString(tmp, "unix://" + socket + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, specFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
