package dev.portcullis.cli;

import dev.portcullis.server.Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis server --config FILE}: the registry lifecycle server, until it is stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run the Portcullis server: it scans images pushed to the configured registries (notifications and a periodic sweep), "
        + "keeps each image's state and assessment, re-signs what passes, and serves the API under /v1 (OpenAPI at /v1/openapi.json), "
        + "/healthz, /readyz and /metrics. docs/server.md describes the configuration file.",
    footer = {"", "It runs until SIGTERM or SIGINT, then hands running jobs back to the queue and exits 0.",
        "Exit codes: 2 the configuration or what it names is not usable (every problem is listed), 3 internal errors."})
final class ServerCommand implements Callable<Integer> {
  static final int ERROR = 2;

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The server's YAML configuration.")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", description = "The directory of the embedded database and the layer cache (overrides data:).")
  @Nullable Path data;

  @Option(names = "--database", paramLabel = "JDBC-URL", description = "A jdbc:postgresql:// database shared by several servers "
      + "(overrides database:).")
  @Nullable String database;

  @Option(names = "--worker-only", description = "Run only workers (no API, no sweep) on the shared PostgreSQL database.")
  boolean workerOnly;

  @Override
  public Integer call() {
    Main main = Main.of(spec);
    Server server;
    try {
      server = Server.start(new Server.Options(config, Optional.ofNullable(data), Optional.ofNullable(database), workerOnly,
          Main.Version.number(), main.err, main.env, Clock.systemUTC()));
    } catch (Server.ConfigurationException e) {
      main.err.println("portcullis server: " + e.getMessage() + ":");
      e.problems().forEach(p -> main.err.println("  " + p));
      return ERROR;
    } catch (IOException | IllegalArgumentException e) {
      main.err.println("portcullis server: " + e.getMessage());
      return ERROR;
    }
    Thread hook = new Thread(server::close, "portcullis-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      server.awaitStop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }
}
