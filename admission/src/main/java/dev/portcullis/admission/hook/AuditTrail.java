package dev.portcullis.admission.hook;

import dev.portcullis.oci.registry.TrustStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends each decision to the server's audit trail ({@code POST /v1/admission/decisions}) with the
 * configured bearer token, within a deadline. Best effort: a failure is reported to the caller, which
 * logs it locally; it never changes the decision.
 */
public final class AuditTrail {
  /** The endpoint, relative to the server's URL. */
  public static final String PATH = "/v1/admission/decisions";

  private final HttpClient client;
  private final URI endpoint;
  private final Optional<String> token;
  private final Duration deadline;

  private AuditTrail(HttpClient client, URI endpoint, Optional<String> token, Duration deadline) {
    this.client = client;
    this.endpoint = endpoint;
    this.token = token;
    this.deadline = deadline;
  }

  /** The trail of {@code server}; its token file is read now. */
  public static AuditTrail of(HookConfig.Server server, Duration deadline) throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(HttpClient.Redirect.NEVER);
    if (server.caFile().isPresent()) {
      b.sslContext(TrustStores.withExtraCas(server.caFile().get()));
    }
    Optional<String> token = Optional.empty();
    if (server.tokenFile().isPresent()) {
      String t = new String(HookJson.readFile(server.tokenFile().get(), 4096, "server token file"), StandardCharsets.UTF_8).strip();
      if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IOException("read server token file " + server.tokenFile().get() + ": not one token of printable characters");
      }
      token = Optional.of(t);
    }
    String base = server.url().toString().replaceAll("/+$", "");
    return new AuditTrail(b.build(), URI.create(base + PATH), token, deadline);
  }

  /** Posts {@code record}; the exception says why the server did not take it. */
  public void post(DecisionRecord record) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(deadline).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(HookJson.MAPPER.writeValueAsBytes(record.auditBody())));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    HttpResponse<Void> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("POST " + endpoint + ": interrupted", e);
    } catch (IOException e) {
      throw new IOException("POST " + endpoint + ": " + e, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException("POST " + endpoint + ": HTTP " + response.statusCode());
    }
  }
}
