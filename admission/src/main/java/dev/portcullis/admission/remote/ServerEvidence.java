package dev.portcullis.admission.remote;

import dev.portcullis.admission.Evidence;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Image facts from a Portcullis server ({@code GET /v1/admission/facts?image=REF} with a bearer
 * token). Every call is bounded by its deadline, from connecting to the last byte of the answer, and
 * by {@value #MAX_ANSWER_BYTES} bytes; a 404 is "nothing known", any other failure an {@link
 * IOException} naming the server and what it answered. Redirects are not followed, so the token goes
 * only to the configured server. Thread-safe; close it to release its connections.
 */
public final class ServerEvidence implements Evidence, AutoCloseable {
  public static final int MAX_ANSWER_BYTES = 1 << 20;
  private static final String PATH = "/v1/admission/facts";
  /** Where a runtime hook or a plugin reports its decisions, relative to the server's URL. */
  public static final String DECISIONS = "/v1/admission/decisions";

  private final URI base;
  private final String token;
  private final HttpClient client;
  private final Clock clock;

  /**
   * @param base the server, for example {@code https://portcullis.portcullis.svc:8443}
   * @param token an API token with the {@code admission.read} permission
   * @param caPem PEM certificates to trust for the server's TLS instead of the JDK's; empty: the JDK's
   * @param connectTimeout the most a connection may take (also bounded by each call's deadline)
   */
  public ServerEvidence(URI base, String token, Optional<Path> caPem, Duration connectTimeout, Clock clock) throws IOException {
    String scheme = Objects.requireNonNullElse(base.getScheme(), "");
    if (!scheme.equals("https") && !scheme.equals("http") || base.getHost() == null) {
      throw new IllegalArgumentException("the Portcullis server URL must be http(s)://host[:port], not " + base);
    }
    if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("the Portcullis API token must be printable ASCII without spaces");
    }
    String path = Objects.requireNonNullElse(base.getRawPath(), "");
    this.base = URI.create(base.getScheme() + "://" + base.getRawAuthority() + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    this.token = token;
    this.clock = clock;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
    if (caPem.isPresent()) {
      builder.sslContext(trusting(caPem.get()));
    }
    this.client = builder.build();
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
  public Optional<ImageFacts> facts(ImageRef image, Digest digest, Instant deadline) throws IOException {
    ImageRef byDigest = new ImageRef(image.registry(), image.repository(), null, digest);
    Optional<FactsJson.Envelope> answer = ask(byDigest.toString(), deadline);
    if (answer.isPresent() && !answer.get().facts().digest().equals(digest)) {
      throw new IOException(base + " answered the facts of " + answer.get().facts().digest() + " when asked for " + byDigest);
    }
    return answer.map(FactsJson.Envelope::facts);
  }

  @Override
  public Optional<Digest> resolve(ImageRef image, Instant deadline) throws IOException {
    if (image.digestIfAny().isPresent()) {
      return image.digestIfAny();
    }
    return ask(image.toString(), deadline).map(FactsJson.Envelope::digest);
  }

  private Optional<FactsJson.Envelope> ask(String image, Instant deadline) throws IOException {
    URI uri = URI.create(base + PATH + "?image=" + URLEncoder.encode(image, StandardCharsets.UTF_8));
    String what = "GET " + base + PATH + "?image=" + image;
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new HttpTimeoutException(what + ": the deadline had passed before asking");
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(left).header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").GET().build();
    HttpResponse<byte[]> response = exchange(request, what, left);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(what + ": " + response.statusCode() + " " + excerpt(body));
    }
    try {
      return Optional.of(FactsJson.readEnvelope(body));
    } catch (IllegalArgumentException e) {
      throw new IOException(what + ": the answer is not image facts: " + e.getMessage(), e);
    }
  }

  /** The start of an error answer, on one line, without control characters. */
  private static String excerpt(String body) {
    String oneLine = body.replaceAll("\\p{Cntrl}+", " ").strip();
    return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
  }

  /**
   * Reports a decision to the server's audit trail within {@code deadline}; the
   * exception says why the server did not take it. Best effort for the caller: it never changes the decision.
   */
  public void report(DecisionReport decision, Duration deadline) throws IOException {
    post(DECISIONS, decision.json(), deadline);
  }

  /**
   * Sends {@code json} to {@code path} (relative to the server's URL) within {@code deadline} and
   * returns the answer's body (at most {@value #MAX_ANSWER_BYTES} bytes); an answer other than 2xx is
   * an exception that names the call and starts with what the server said.
   */
  public String post(String path, String json, Duration deadline) throws IOException {
    URI uri = URI.create(base + path);
    String what = "POST " + uri;
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(deadline).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    HttpResponse<byte[]> response = exchange(request, what, deadline);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() / 100 != 2) {
      throw new IOException(what + ": the server answered " + response.statusCode() + " " + excerpt(body));
    }
    return body;
  }

  /**
   * Reads {@code path} (relative to the server's URL) within {@code deadline}: the answer's body (at most {@value
   * #MAX_ANSWER_BYTES} bytes), or empty when the server answers 404; any other answer but 200 is an exception that
   * names the call and starts with what the server said.
   */
  public Optional<String> get(String path, Duration deadline) throws IOException {
    URI uri = URI.create(base + path);
    String what = "GET " + uri;
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(deadline).header("Authorization", "Bearer " + token)
        .header("Accept", "application/json").GET().build();
    HttpResponse<byte[]> response = exchange(request, what, deadline);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(what + ": the server answered " + response.statusCode() + " " + excerpt(body));
    }
    return Optional.of(body);
  }

  /** One call, its whole answer (at most {@value #MAX_ANSWER_BYTES} bytes) within {@code left}; {@code what} names it in errors. */
  private HttpResponse<byte[]> exchange(HttpRequest request, String what, Duration left) throws IOException {
    CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request, info -> new Bounded(MAX_ANSWER_BYTES));
    try {
      return call.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new HttpTimeoutException(what + ": no complete answer within " + left.toMillis() + " ms");
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      throw new IOException(what + ": " + reason, cause);
    }
  }

  /** An API token from a file: one line of printable ASCII (at most 4 KiB). */
  public static String readToken(Path file) throws IOException {
    if (Files.size(file) > 4096) {
      throw new IOException("read the API token from " + file + ": larger than 4096 bytes");
    }
    String t = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IOException("read the API token from " + file + ": expected one line of printable ASCII");
    }
    return t;
  }

  @Override
  public void close() {
    client.close();
  }

  /** Collects an answer of at most {@code limit} bytes; a longer one fails the call. */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    private Flow.@org.jspecify.annotations.Nullable Subscription subscription;

    Bounded(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : buffers) {
        if (out.size() + b.remaining() > limit) {
          Objects.requireNonNull(subscription).cancel();
          result.completeExceptionally(new IOException("answer larger than " + limit + " bytes"));
          return;
        }
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.write(bytes, 0, bytes.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
