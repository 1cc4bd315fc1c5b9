package dev.portcullis.cli;

import dev.portcullis.server.admission.StandaloneWebhook;
import dev.portcullis.server.config.ConfigFile;
import dev.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis admission serve --config FILE}: the Kubernetes admission webhooks alone, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the Kubernetes admission webhooks without the server, over HTTPS only: POST /admission/validate/STAGE, "
        + "/admission/mutate/STAGE, /admission/validate and /admission/mutate (the stage from admission.namespaces), GET /healthz "
        + "and /readyz. With server: in the configuration, facts come from the Portcullis server and decisions go to its audit trail; "
        + "without, the registries are read on a cache miss. Every decision is one JSON line on stdout.",
    footer = {"", "It runs until SIGTERM or SIGINT, then exits 0.",
        "Exit codes: 2 the configuration or what it names is not usable (every problem is listed)."})
final class AdmissionServeCommand implements Callable<Integer> {
  static final int ERROR = 2;
  private static final String NAME = "portcullis admission serve";

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The webhook's YAML configuration: listen, tls, server, registry, cacheTtl, stages.NAME.admission, admission.")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where to listen (overrides listen:; default 127.0.0.1:8443).")
  @Nullable String listen;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "The serving certificate chain, PEM (overrides tls.certificate).")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The serving certificate's private key, PEM (overrides tls.key).")
  @Nullable Path tlsKey;

  @Override
  public Integer call() {
    Main main = Main.of(spec);
    ServerConfig.Webhook read;
    try {
      switch (ConfigFile.readWebhook(config, main.env)) {
        case ConfigFile.WebhookResult.Valid v -> read = v.config();
        case ConfigFile.WebhookResult.Invalid i -> {
          main.err.println(NAME + ": " + i.problems().size() + " problem" + (i.problems().size() == 1 ? "" : "s") + " in " + config + ":");
          i.problems().forEach(p -> main.err.println("  " + p));
          return ERROR;
        }
      }
    } catch (IOException e) {
      main.err.println(NAME + ": " + e.getMessage());
      return ERROR;
    }
    ServerConfig.HostPort where = read.listen();
    if (listen != null) {
      Optional<ServerConfig.HostPort> parsed = hostPort(listen);
      if (parsed.isEmpty()) {
        main.err.println(NAME + ": --listen " + listen + ": must be HOST:PORT with a port from 0 to 65535");
        return ERROR;
      }
      where = parsed.get();
    }
    Optional<ServerConfig.Tls> tls = read.tls();
    if ((tlsCert == null) != (tlsKey == null)) {
      main.err.println(NAME + ": give --tls-cert and --tls-key together");
      return ERROR;
    }
    if (tlsCert != null && tlsKey != null) {
      tls = Optional.of(new ServerConfig.Tls(tlsCert, tlsKey));
    }
    ServerConfig.Webhook effective = new ServerConfig.Webhook(where, tls, read.server(), read.registry(), read.cacheTtl(), read.admission());
    // one decision a line, as it happens
    PrintStream log = new PrintStream(main.out, true, StandardCharsets.UTF_8);
    StandaloneWebhook webhook;
    try {
      webhook = StandaloneWebhook.start(effective, log, Clock.systemUTC());
    } catch (IOException | IllegalArgumentException e) {
      main.err.println(NAME + ": " + e.getMessage());
      return ERROR;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      webhook.close();
      stopped.countDown();
    }, "portcullis-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      webhook.close();
    }
    return 0;
  }

  private static Optional<ServerConfig.HostPort> hostPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port < 0 || port > 65535 ? Optional.empty() : Optional.of(new ServerConfig.HostPort(text.substring(0, colon), port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
