package dev.portcullis.server.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reports the standalone webhook's decisions to a Portcullis server's audit trail ({@code POST
 * /v1/admission/decisions}, source {@code webhook}), in the background: {@link #report} never waits
 * on the network. Each report has {@value #DEADLINE_SECONDS} s; at most {@value #QUEUE} wait, and
 * one more is dropped (with a warning) rather than held. Failures are warnings, never retried.
 */
public final class DecisionReporter implements AutoCloseable {
  public static final int DEADLINE_SECONDS = 3;
  public static final int QUEUE = 1000;
  private static final int MAX_LINES = 50;
  private static final int MAX_LINE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String token;
  private final HttpClient client;
  private final Consumer<String> warn;
  private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
      r -> Thread.ofVirtual().name("portcullis-decision-report").unstarted(r));

  /** @param warn where a report that failed or was dropped is told, one line each */
  public DecisionReporter(ServerConfig.RemoteServer server, Consumer<String> warn) throws IOException {
    String base = server.url().toString();
    this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/admission/decisions");
    this.token = server.token();
    this.warn = warn;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(DEADLINE_SECONDS))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (server.caFile().isPresent()) {
      builder.sslContext(trusting(server.caFile().get()));
    }
    this.client = builder.build();
  }

  /**
   * Queues one decision.
   *
   * @param subject what was decided on ({@code namespace/Kind/name}); the report's {@code image}
   * @param outcome {@code allowed}, {@code denied} or {@code warned}
   * @param violations one line each; the first {@value #MAX_LINES} are sent, each cut to {@value #MAX_LINE} characters
   */
  public void report(String subject, String outcome, List<String> violations) {
    ObjectNode body = JSON.createObjectNode().put("source", "webhook").put("image", line(subject)).put("outcome", outcome);
    var list = body.putArray("violations");
    violations.stream().limit(MAX_LINES).map(DecisionReporter::line).forEach(list::add);
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(DEADLINE_SECONDS))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    try {
      sender.execute(() -> send(request, subject));
    } catch (RejectedExecutionException e) {
      warn.accept("report of the decision on " + subject + " to " + endpoint + " dropped: " + QUEUE + " reports are waiting already");
    }
  }

  private void send(HttpRequest request, String subject) {
    try {
      HttpResponse<String> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (response.statusCode() != 201) {
        warn.accept("POST " + endpoint + " (decision on " + subject + "): " + response.statusCode() + " " + line(response.body()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      warn.accept("POST " + endpoint + " (decision on " + subject + "): " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
          : cause.getMessage()));
    }
  }

  /** One line the server accepts: no control characters, 1 to 500 characters. */
  private static String line(String text) {
    String clean = text.replaceAll("\\p{Cntrl}+", " ").strip();
    String one = clean.isEmpty() ? "(none)" : clean;
    return one.length() <= MAX_LINE ? one : one.substring(0, MAX_LINE - 3) + "...";
  }

  /** Waits up to one deadline for queued reports, then drops the rest. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      if (!sender.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        sender.shutdownNow();
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
    client.close();
  }

  static SSLContext trusting(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certs.isEmpty()) {
        throw new IOException("read CA certificates from " + pem + ": no certificate in it");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("ca-" + i, certs.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("read CA certificates from " + pem + ": " + e.getMessage(), e);
    }
  }
}
