package dev.portcullis.server.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.RecentFacts;
import dev.portcullis.admission.k8s.Webhook;
import dev.portcullis.admission.registry.RegistryEvidence;
import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.server.auth.Tls;
import dev.portcullis.server.config.ServerConfig;
import dev.portcullis.sign.key.PublicKeys;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * {@code portcullis admission serve}: the Kubernetes admission webhooks without the server, over
 * HTTPS only (TLS 1.2 and 1.3). It answers what the server answers ({@code POST
 * /admission/validate/{stage}}, {@code /admission/mutate/{stage}}, {@code /admission/validate},
 * {@code /admission/mutate}) with the same {@link WebhookService}, and {@code GET /healthz} and
 * {@code /readyz}.
 *
 * <p>Where the facts come from: with {@code server:} configured, the Portcullis server's stored
 * state ({@code GET /v1/admission/facts}, never cached here, so a quarantine applies at once), and
 * every validating decision is also reported to its audit trail in the background. Without a
 * server, the image's registry is read on a cache miss (signatures and verdict attestations checked
 * against the stages' trusted keys), within the stage's {@code fetchDeadline}; answers are reused
 * for {@code cacheTtl}, at most {@value #CACHE_ENTRIES} of each kind. Every decision is one JSON
 * line on the log.
 */
public final class StandaloneWebhook implements AutoCloseable {
  public static final int CACHE_ENTRIES = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Javalin app;
  private final WebhookService webhooks;
  private final Optional<DecisionReporter> reporter;
  private final @Nullable AutoCloseable evidenceToClose;
  private final PrintStream log;
  private final Clock clock;
  private final int port;

  private StandaloneWebhook(ServerConfig.Webhook config, Tls.ServerKey key, Evidence evidence, @Nullable AutoCloseable evidenceToClose,
      Optional<DecisionReporter> reporter, PrintStream log, Clock clock) {
    this.webhooks = new WebhookService(config.admission(), evidence, clock);
    this.reporter = reporter;
    this.evidenceToClose = evidenceToClose;
    this.log = log;
    this.clock = clock;
    long maxBody = config.admission().maxRequestBytes();
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.http.maxRequestSize = maxBody + 1;
      c.jetty.modifyHttpConfiguration(h -> {
        h.setRequestHeaderSize(16 * 1024);
        h.setSendServerVersion(false);
      });
      // the one connector speaks HTTPS: Javalin adds its plain connector only when there is none
      c.jetty.addConnector((server, http) -> {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(key.keyStore());
        ssl.setKeyStorePassword(new String(key.password()));
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        return connector;
      });
      c.routes.post("/admission/validate/{stage}", ctx -> serve(ctx, false, Optional.of(ctx.pathParam("stage"))));
      c.routes.post("/admission/mutate/{stage}", ctx -> serve(ctx, true, Optional.of(ctx.pathParam("stage"))));
      c.routes.post("/admission/validate", ctx -> serve(ctx, false, Optional.empty()));
      c.routes.post("/admission/mutate", ctx -> serve(ctx, true, Optional.empty()));
      c.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
      c.routes.get("/readyz", ctx -> ctx.contentType("application/json").result("{\"status\":\"ok\"}"));
      c.routes.exception(Exception.class, (e, ctx) -> {
        warn(ctx.method() + " " + ctx.path() + ": " + e);
        error(ctx, 500, "INTERNAL", "the webhook failed to answer; its log says why");
      });
      c.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (type == null || !type.startsWith("application/json")) {
          error(ctx, 404, "NOT_FOUND", "no such resource: " + ctx.path());
        }
      });
    });
    app.start();
    int bound = -1;
    for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
      if (c instanceof ServerConnector sc) {
        bound = sc.getLocalPort();
      }
    }
    this.port = bound;
  }

  /**
   * Starts the webhooks as {@code config} says: its TLS key pair loaded, its evidence and reporter made.
   *
   * @throws IOException when the key pair, the trusted keys or the server's CA cannot be read, or the port cannot be bound
   */
  public static StandaloneWebhook start(ServerConfig.Webhook config, PrintStream log, Clock clock) throws IOException {
    ServerConfig.Tls tls = config.tls().orElseThrow(() -> new IllegalArgumentException(
        "the webhooks are served over HTTPS only: give tls.certificate and tls.key in the configuration, or --tls-cert and --tls-key"));
    Tls.ServerKey key = Tls.load(tls.certificate(), tls.key(), new char[0], clock);
    Evidence evidence;
    AutoCloseable toClose = null;
    Optional<DecisionReporter> reporter = Optional.empty();
    if (config.server().isPresent()) {
      ServerConfig.RemoteServer s = config.server().get();
      ServerEvidence remote = new ServerEvidence(s.url(), s.token(), s.caFile(), Duration.ofSeconds(DecisionReporter.DEADLINE_SECONDS), clock);
      evidence = remote;
      toClose = remote;
      reporter = Optional.of(new DecisionReporter(remote, line -> warnLine(log, clock, line)));
    } else {
      List<PublicKey> keys = new ArrayList<>();
      for (Path k : config.admission().keyFiles()) {
        try {
          keys.add(PublicKeys.read(k));
        } catch (IOException | IllegalArgumentException e) {
          throw new IOException("read the trusted key " + k + ": " + e.getMessage(), e);
        }
      }
      RegistryOptions options = new RegistryOptions(config.registry().insecure(), config.registry().caFile().orElse(null), null, null, 2);
      evidence = new RecentFacts(new RegistryEvidence(options, keys, clock), config.cacheTtl(), CACHE_ENTRIES, clock);
    }
    key.warnings().forEach(w -> warnLine(log, clock, "tls: " + w));
    try {
      StandaloneWebhook started = new StandaloneWebhook(config, key, evidence, toClose, reporter, log, clock);
      started.info("listening on https://" + config.listen().host() + ":" + started.port + ", facts from "
          + config.server().map(s -> "the server " + s.url()).orElse("the registries (cached for " + config.cacheTtl() + ")"));
      return started;
    } catch (RuntimeException e) {
      reporter.ifPresent(DecisionReporter::close);
      closeQuietly(toClose);
      throw new IOException("listen on " + config.listen() + ": " + e.getMessage(), e);
    }
  }

  /** The port the webhooks listen on (useful when the configuration asked for any free port). */
  public int port() {
    return port;
  }

  private void serve(Context ctx, boolean mutating, Optional<String> pathStage) throws IOException {
    WebhookService.Answer answer;
    try {
      webhooks.requireStage(pathStage);
      Optional<byte[]> body = body(ctx);
      if (body.isEmpty()) {
        error(ctx, 413, "TOO_LARGE", "the request body is larger than " + webhooks.maxBody() + " bytes");
        record(mutating, null, 413, "denied", "(unreadable request)", "refused, the request body is larger than " + webhooks.maxBody()
            + " bytes");
        return;
      }
      answer = webhooks.handle(body.get(), mutating, pathStage);
    } catch (WebhookService.UnknownStage e) {
      error(ctx, 404, "NOT_FOUND", e.getMessage());
      return;
    }
    Webhook.Reply reply = answer.reply();
    record(mutating, answer, reply.httpStatus(), answer.outcome(), answer.target(), answer.reason());
    if (reply.httpStatus() != 200) {
      error(ctx, reply.httpStatus(), reply.httpStatus() == 413 ? "TOO_LARGE" : "BAD_REQUEST", answer.error());
      return;
    }
    ctx.status(200).contentType("application/json").result(reply.json());
  }

  /** The body, read no further than one byte over the limit; empty when it is over the limit. */
  private Optional<byte[]> body(Context ctx) throws IOException {
    long limit = webhooks.maxBody();
    if (ctx.contentLength() > limit) {
      dev.portcullis.server.http.RefusedBodies.discard(ctx.bodyInputStream());
      return Optional.empty();
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        dev.portcullis.server.http.RefusedBodies.discard(ctx.bodyInputStream());
        return Optional.empty();
      }
      return Optional.of(bytes);
    }
  }

  /** One decision: a JSON line on the log, and, for validating answers that are not dry runs, a report to the server. */
  private void record(boolean mutating, WebhookService.@Nullable Answer answer, int status, String outcome, String target, String reason) {
    Optional<Webhook.Request> request = answer == null ? Optional.empty() : answer.reply().request();
    ObjectNode line = JSON.createObjectNode().put("time", clock.instant().toString()).put("level", "info")
        .put("webhook", mutating ? "mutate" : "validate").put("stage", answer == null ? "" : answer.stage()).put("target", target)
        .put("status", status).put("outcome", outcome).put("reason", reason);
    request.ifPresent(r -> line.put("uid", r.uid()).put("user", r.userName()).put("operation", r.operation()).put("dryRun", r.dryRun()));
    print(line);
    if (mutating || reporter.isEmpty() || request.map(Webhook.Request::dryRun).orElse(false)) {
      return;
    }
    if (answer == null || status != 200) {
      // not a decision on containers: what could not be read is an error, refused by the API server's failurePolicy
      reporter.get().report(target, "error", List.of(), Optional.of(reason));
      return;
    }
    reporter.get().report(target, outcome.equals("denied") ? "refuse" : "admit", answer.violations(), Optional.empty());
  }

  private void info(String message) {
    print(JSON.createObjectNode().put("time", clock.instant().toString()).put("level", "info").put("message", message));
  }

  private void warn(String message) {
    warnLine(log, clock, message);
  }

  private static void warnLine(PrintStream log, Clock clock, String message) {
    synchronized (log) {
      log.println(JSON.createObjectNode().put("time", clock.instant().toString()).put("level", "warn").put("message", message));
    }
  }

  private void print(ObjectNode line) {
    synchronized (log) {
      log.println(line);
    }
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode body = JSON.createObjectNode().put("code", code).put("message", message);
    ctx.status(status).header("Cache-Control", "no-store").contentType("application/json").result(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Stops listening, waits briefly for queued reports, and releases the connections to the server. */
  @Override
  public void close() {
    app.stop();
    reporter.ifPresent(DecisionReporter::close);
    closeQuietly(evidenceToClose);
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // nothing is lost: the connections only go
    }
  }
}
