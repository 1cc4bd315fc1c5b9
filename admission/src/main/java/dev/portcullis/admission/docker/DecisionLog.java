package dev.portcullis.admission.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the plugin's decisions go: one JSON line each in a local file, and, when a server is
 * configured, a {@code POST /v1/admission/decisions} to it. The server is told in the background and
 * at most once, within a deadline: its audit trail is best effort, the local file is not.
 */
final class DecisionLog implements AutoCloseable {
  static final Duration SERVER_DEADLINE = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One decision.
   *
   * @param call what the engine was asked: {@code containers/create}, {@code exec}, {@code exec/start}, ...
   * @param outcome {@code admit} or {@code refuse}
   */
  record Decision(Instant time, String call, String user, String container, Optional<String> image, Optional<String> digest, String outcome,
      List<Violation> violations, String message) {
    Decision {
      violations = List.copyOf(violations);
    }
  }

  private final Path file;
  private final Optional<HttpClient> client;
  private final Optional<URI> endpoint;
  private final String token;
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
  private final Consumer<String> problems;

  /** {@code problems} hears about decisions that could not be written or sent (one line each, no secrets). */
  DecisionLog(Path file, Optional<DockerAuthzConfig.Server> server, Consumer<String> problems) throws IOException {
    this.file = file;
    this.problems = problems;
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    if (server.isPresent()) {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(SERVER_DEADLINE).followRedirects(HttpClient.Redirect.NEVER);
      if (server.get().caFile().isPresent()) {
        b.sslContext(trusting(server.get().caFile().get()));
      }
      this.client = Optional.of(b.build());
      String base = server.get().url().toString();
      this.endpoint = Optional.of(URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/admission/decisions"));
      this.token = readToken(server.get().tokenFile());
    } else {
      this.client = Optional.empty();
      this.endpoint = Optional.empty();
      this.token = "";
    }
  }

  static String readToken(Path file) throws IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IOException("read the API token from " + file + ": expected one line of printable ASCII");
    }
    return t;
  }

  void record(Decision d) {
    ObjectNode line = JSON.createObjectNode();
    line.put("time", d.time().toString());
    line.put("source", "docker-authz");
    line.put("call", d.call());
    line.put("user", d.user());
    line.put("container", d.container());
    d.image().ifPresentOrElse(i -> line.put("image", i), () -> line.putNull("image"));
    d.digest().ifPresentOrElse(i -> line.put("digest", i), () -> line.putNull("digest"));
    line.put("outcome", d.outcome());
    violations(line.putArray("violations"), d.violations());
    line.put("message", d.message());
    synchronized (this) {
      try {
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
      } catch (IOException e) {
        problems.accept("append a decision to " + file + ": " + e.getMessage());
      }
    }
    if (client.isPresent()) {
      ObjectNode body = JSON.createObjectNode();
      body.put("source", "docker-authz");
      d.image().ifPresentOrElse(i -> body.put("image", i), () -> body.putNull("image"));
      d.digest().ifPresentOrElse(i -> body.put("digest", i), () -> body.putNull("digest"));
      body.put("container", d.container());
      body.put("outcome", d.outcome());
      violations(body.putArray("violations"), d.violations());
      background.submit(() -> send(body.toString()));
    }
  }

  private void send(String body) {
    HttpRequest request = HttpRequest.newBuilder(endpoint.orElseThrow()).timeout(SERVER_DEADLINE)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    try {
      HttpResponse<Void> r = client.orElseThrow().send(request, HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        problems.accept("send a decision to " + endpoint.orElseThrow() + ": the server answered " + r.statusCode());
      }
    } catch (IOException e) {
      problems.accept("send a decision to " + endpoint.orElseThrow() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void violations(ArrayNode out, List<Violation> violations) {
    for (Violation v : violations) {
      out.addObject().put("rule", v.rule()).put("container", v.container()).put("message", v.message());
    }
  }

  private static SSLContext trusting(Path pem) throws IOException {
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

  @Override
  public void close() {
    background.close();
    client.ifPresent(HttpClient::close);
  }
}
