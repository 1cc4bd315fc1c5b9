package dev.portcullis.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.oci.TransferDeadlines;
import dev.portcullis.oci.internal.BoundedInputStream;
import dev.portcullis.oci.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * HTTP exchanges with registries: answers authentication challenges (basic credentials, bearer
 * tokens fetched once per scope and kept for the transport's life), retries what is worth
 * retrying, and follows redirects. An {@code Authorization} header goes only to the origin (scheme,
 * host, port) it was issued for: the registry's own for its challenges, the token realm's for the
 * credentials that buy a token; a redirect elsewhere goes without it, and a redirect from https to
 * plain http is refused. Every exchange runs under the {@link TransferDeadlines}. Thread-safe.
 */
final class Transport implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_REDIRECTS = 5;
  static final int MAX_ERROR_BODY = 64 << 10;
  static final String USER_AGENT = "portcullis/0.1";

  /**
   * What an exchange is for, for messages and for the token scopes it needs: {@code registry} names
   * the credentials, whose challenges are answered only at {@code origin}, the registry's API origin
   * ({@link #origin(URI)}).
   */
  record Purpose(String what, String registry, String origin, List<String> scopes) {
    Purpose {
      scopes = List.copyOf(scopes);
    }
  }

  /**
   * One request. Bodies that can be sent only once ({@code replayable == false}) are never
   * retried; redirects are followed only when {@code followRedirects}. {@code authorization}, when
   * given, is sent only to the origin of {@code uri}; {@code headers} never hold one.
   */
  record Call(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, boolean replayable, boolean followRedirects,
      @Nullable String authorization) {
    Call {
      headers = Map.copyOf(headers);
      if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
        throw new IllegalArgumentException("an Authorization header is bound to its origin: pass it as the call's authorization");
      }
    }

    Call(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, boolean replayable, boolean followRedirects) {
      this(method, uri, headers, body, replayable, followRedirects, null);
    }

    static Call get(URI uri, Map<String, String> headers) {
      return new Call("GET", uri, headers, HttpRequest.BodyPublishers.noBody(), true, true);
    }

    static Call head(URI uri) {
      return new Call("HEAD", uri, Map.of(), HttpRequest.BodyPublishers.noBody(), true, true);
    }
  }

  /** A response, its body (read under the deadlines), and how the request was authenticated, for messages. */
  record Reply(HttpResponse<InputStream> response, InputStream body, String authNote) {
    int status() {
      return response.statusCode();
    }

    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    void discard() {
      try {
        body.close();
      } catch (IOException ignored) {
        // the connection is dropped with it
      }
    }
  }

  /** Makes a transport once the credential lookup exists. */
  @FunctionalInterface
  interface Builder {
    Transport build(Function<String, Optional<Credentials>> credentials);
  }

  private final HttpClient http;
  private final TransferDeadlines deadlines;
  private final RetryPolicy retry;
  private final RetryPolicy.Sleeper sleeper;
  private final Clock clock;
  private final ProgressListener listener;
  private final Function<String, Optional<Credentials>> credentials;
  private final ConcurrentMap<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> tokens = new ConcurrentHashMap<>();

  Transport(HttpClient http, TransferDeadlines deadlines, RetryPolicy retry, RetryPolicy.Sleeper sleeper, Clock clock, ProgressListener listener,
      Function<String, Optional<Credentials>> credentials) {
    this.http = http;
    this.deadlines = deadlines;
    this.retry = retry;
    this.sleeper = sleeper;
    this.clock = clock;
    this.listener = listener;
    this.credentials = credentials;
  }

  /**
   * Sends {@code call} until it has an answer worth returning: any status but a retryable one
   * (while attempts remain and the network timeout allows), a 401 that authentication could answer,
   * or a redirect to follow. Connection failures on the last attempt become an {@link
   * ImageReadException}; the reply's body is read under the deadlines.
   */
  Reply send(Purpose purpose, Call call) throws IOException {
    return exchange(purpose, call, true);
  }

  private Reply exchange(Purpose purpose, Call call, boolean authenticate) throws IOException {
    NetworkRead read = NetworkRead.start(deadlines, purpose.what());
    boolean sendsBody = call.body().contentLength() != 0;
    URI uri = call.uri();
    int attempt = 0;
    int redirects = 0;
    boolean reauthenticated = false;
    while (true) {
      attempt++;
      boolean toRegistry = authenticate && origin(uri).equals(purpose.origin());
      Auth auth = toRegistry ? authorization(purpose, origin(uri)) : Auth.NONE;
      String authorization = auth.header() != null ? auth.header() : sameOrigin(uri, call.uri()) ? call.authorization() : null;
      Duration timeout = read.responseTimeout(uri, sendsBody);
      HttpRequest.Builder b;
      try {
        b = HttpRequest.newBuilder(uri).timeout(timeout).method(call.method(), call.body())
            .header("User-Agent", USER_AGENT);
        call.headers().forEach(b::header);
      } catch (IllegalArgumentException e) {
        throw new ImageReadException(purpose.what() + ": cannot request " + NetworkRead.display(uri) + " (" + e.getMessage() + ")", e);
      }
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        // the client reports our timeout as a connect timeout when it passes while connecting
        boolean ours = e instanceof HttpTimeoutException && (!(e instanceof HttpConnectTimeoutException) || timeout.compareTo(CONNECT_TIMEOUT) < 0);
        IOException failure = ours ? read.noResponse(uri, e) : connectionFailure(purpose, uri, e);
        Duration wait = retry.backoff(attempt);
        if (e instanceof SSLException || !call.replayable() || attempt >= retry.maxAttempts() || !read.allows(wait)) {
          throw failure;
        }
        listener.warn(failure.getMessage() + "; attempt " + (attempt + 1) + " of " + retry.maxAttempts() + " follows");
        pause(wait);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(purpose.what() + ": interrupted");
      }
      int status = response.statusCode();
      if (status == 401 && toRegistry && !reauthenticated && call.replayable()) {
        Optional<Challenge> challenge = Challenge.preferred(response.headers().allValues("WWW-Authenticate"));
        if (challenge.isPresent()) {
          challenges.put(origin(uri), challenge.get());
          if (auth.tokenKey() != null) {
            tokens.remove(auth.tokenKey());
          }
          Auth next = authorization(purpose, origin(uri));
          if (next.header() != null && !next.header().equals(auth.header())) {
            close(response);
            reauthenticated = true;
            attempt--;
            continue;
          }
          return new Reply(response, read.body(response), next.note());
        }
        return new Reply(response, read.body(response), auth.note());
      }
      Optional<String> location = response.headers().firstValue("Location");
      if (call.followRedirects() && isRedirect(status) && location.isPresent()) {
        close(response);
        URI next = redirectTarget(purpose, uri, location.get());
        if (++redirects > MAX_REDIRECTS) {
          throw new ImageReadException(purpose.what() + ": more than " + MAX_REDIRECTS + " redirects (last to " + NetworkRead.display(next) + ")");
        }
        uri = next;
        attempt = 0;
        continue;
      }
      if (RetryPolicy.retryable(status) && call.replayable() && attempt < retry.maxAttempts()) {
        Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(v -> RetryPolicy.parseRetryAfter(v, clock.instant()));
        Optional<Duration> wait = retry.delay(attempt, retryAfter).filter(read::allows);
        if (wait.isPresent()) {
          close(response);
          listener.warn(purpose.what() + ": " + status + " from " + origin(uri) + "; attempt " + (attempt + 1) + " of " + retry.maxAttempts() + " in " + wait.get().toMillis() + " ms");
          pause(wait.get());
          continue;
        }
      }
      return new Reply(response, read.body(response), auth.note());
    }
  }

  /**
   * Where a redirect from {@code from} to {@code location} leads; refused when it is not an http(s)
   * URL or would take the request from https to plain http.
   */
  private static URI redirectTarget(Purpose purpose, URI from, String location) throws ImageReadException {
    URI next;
    try {
      next = from.resolve(location.strip());
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(purpose.what() + ": " + NetworkRead.display(from) + " redirects to '" + location + "', which is not a URL");
    }
    String scheme = Objects.requireNonNullElse(next.getScheme(), "").toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || next.getHost() == null) {
      throw new ImageReadException(purpose.what() + ": " + NetworkRead.display(from) + " redirects to '" + location + "', which is not an http(s) URL");
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
      throw new ImageReadException(purpose.what() + ": refused the redirect from " + NetworkRead.display(from) + " to plain http "
          + NetworkRead.display(next) + " (a downgrade from https)");
    }
    return next;
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // the connection is dropped with it
    }
  }

  /** The exception for an unexpected answer: {@code WHAT: 404 MANIFEST_UNKNOWN (manifest unknown)}. Consumes the body. */
  ImageReadException failure(Purpose purpose, Reply reply) {
    URI at = reply.response().uri();
    // an answer from where a redirect led names that place
    String where = origin(at).equals(purpose.origin()) ? "" : NetworkRead.display(at) + " answered ";
    return new ImageReadException(purpose.what() + ": " + where + describe(reply));
  }

  /** {@code 404 MANIFEST_UNKNOWN (manifest unknown)}, from the registry's JSON errors when it sent some. Consumes the body. */
  static String describe(Reply reply) {
    byte[] body;
    try (InputStream in = reply.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      // a body that stalls or breaks leaves the status to speak
      body = new byte[0];
    }
    String text = describeStatus(reply.status(), body);
    String retryAfter = reply.status() == 429 ? reply.header("Retry-After").map(v -> "retry after " + v).orElse("") : "";
    String note = String.join("; ", java.util.stream.Stream.of(retryAfter, reply.authNote()).filter(s -> !s.isEmpty()).toList());
    if (note.isEmpty()) {
      return text;
    }
    return text.endsWith(")") ? text.substring(0, text.length() - 1) + "; " + note + ")" : text + " (" + note + ")";
  }

  static String describeStatus(int status, byte[] body) {
    String code = "";
    String message = "";
    try {
      JsonNode node = body.length == 0 ? null : Json.MAPPER.readTree(body);
      if (node != null && node.isObject()) {
        JsonNode first = node.path("errors").path(0);
        code = first.path("code").asText("");
        message = first.path("message").asText("");
        if (message.isEmpty()) {
          message = node.path("details").asText(node.path("message").asText(node.path("error").asText("")));
        }
      }
    } catch (IOException notJson) {
      // a proxy's HTML page or plain text: the status says enough
    }
    String head = status + " " + (code.isEmpty() ? reasonPhrase(status) : code);
    message = oneLine(message);
    return message.isEmpty() ? head : head + " (" + message + ")";
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP status";
    };
  }

  /** How a request will be authenticated, and how to say so in a message. */
  private record Auth(@Nullable String header, String note, @Nullable String tokenKey) {
    static final Auth NONE = new Auth(null, "", null);
  }

  private Auth authorization(Purpose purpose, String origin) throws IOException {
    Challenge challenge = challenges.get(origin);
    if (challenge == null) {
      return Auth.NONE;
    }
    Optional<Credentials> creds = credentials.apply(purpose.registry());
    if (challenge.isBasic()) {
      return creds.map(c -> new Auth(basic(c), "as user " + c.username(), null))
          .orElse(new Auth(null, "no credentials for " + purpose.registry(), null));
    }
    List<String> scopes = new ArrayList<>(new TreeSet<>(purpose.scopes()));
    if (scopes.isEmpty()) {
      challenge.param("scope").ifPresent(s -> scopes.addAll(List.of(s.split(" "))));
    }
    String realm = challenge.param("realm").orElseThrow();
    String service = challenge.param("service").orElse("");
    String key = origin + " " + realm + " " + service + " " + String.join(" ", scopes);
    String note = "token scope " + String.join(" ", scopes) + creds.map(c -> " as user " + c.username()).orElse("");
    String token = tokens.get(key);
    if (token == null) {
      token = fetchToken(purpose, realm, service, scopes, creds);
      tokens.put(key, token);
    }
    return new Auth("Bearer " + token, note, key);
  }

  private String fetchToken(Purpose purpose, String realm, String service, List<String> scopes, Optional<Credentials> creds) throws IOException {
    StringBuilder query = new StringBuilder();
    if (!service.isEmpty()) {
      query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
    }
    for (String s : scopes) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
    }
    URI uri;
    try {
      uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(purpose.what() + ": the registry's token realm '" + realm + "' is not a URL", e);
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ImageReadException(purpose.what() + ": the registry's token realm '" + realm + "' is not an http(s) URL");
    }
    if (creds.isPresent() && "http".equals(uri.getScheme()) && purpose.origin().startsWith("https:")) {
      throw new ImageReadException(purpose.what() + ": the registry's token realm " + NetworkRead.display(uri)
          + " is plain http while the registry is https; credentials are not sent in the clear");
    }
    // the credentials are for the realm alone: a redirect to another origin goes without them
    Call call = new Call("GET", uri, Map.of("Accept", "application/json"), HttpRequest.BodyPublishers.noBody(), true, true,
        creds.map(Transport::basic).orElse(null));
    Purpose tokenPurpose = new Purpose(purpose.what() + ": get token from " + realm, purpose.registry(), purpose.origin(), List.of());
    Reply reply = exchange(tokenPurpose, call, false);
    if (reply.status() != 200) {
      throw new ImageReadException(tokenPurpose.what() + ": " + describe(new Reply(reply.response(), reply.body(), creds.map(c -> "as user " + c.username()).orElse("anonymous"))));
    }
    JsonNode node;
    try (InputStream in = reply.body()) {
      node = Json.object(BoundedInputStream.readAtMost(in, MAX_ERROR_BODY * 4L, "token"), "token");
    } catch (NetworkReadException e) {
      throw e;
    } catch (ImageReadException e) {
      // too large or not JSON: said after what was being done
      throw new ImageReadException(tokenPurpose.what() + ": " + e.getMessage(), e);
    }
    String token = node.path("token").asText("");
    if (token.isEmpty()) {
      token = node.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new ImageReadException(tokenPurpose.what() + ": the answer has neither 'token' nor 'access_token'");
    }
    return token;
  }

  private static String basic(Credentials c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private void pause(Duration d) throws InterruptedIOException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** {@code scheme://host:port}, lower-cased, with the default port made explicit. */
  static String origin(URI uri) {
    String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + Objects.requireNonNullElse(uri.getHost(), "").toLowerCase(Locale.ROOT) + ":" + port;
  }

  static boolean sameOrigin(URI a, URI b) {
    return origin(a).equals(origin(b));
  }

  private static String hostOf(URI uri) {
    return uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : Objects.requireNonNullElse(uri.getHost(), uri.toString());
  }

  private static ImageReadException connectionFailure(Purpose purpose, URI uri, IOException e) {
    if (e instanceof InterruptedIOException && !(e instanceof HttpTimeoutException)) {
      return new ImageReadException(purpose.what() + ": interrupted", e);
    }
    return new ImageReadException(purpose.what() + ": " + describeConnectionFailure(uri, e), e);
  }

  static String describeConnectionFailure(URI uri, IOException e) {
    String host = hostOf(uri);
    String reason = rootMessage(e);
    if (hasCause(e, java.security.cert.CertPathBuilderException.class) || hasCause(e, java.security.cert.CertPathValidatorException.class)) {
      return "TLS with " + host + " failed: its certificate is not signed by a trusted CA (trust that CA with a CA file, RegistryOptions.caFile)";
    }
    if (e instanceof SSLException || hasCause(e, SSLException.class)) {
      return "TLS with " + host + " failed (" + reason + ")";
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "cannot connect to " + host + " (no answer within " + CONNECT_TIMEOUT.toSeconds() + " s)";
    }
    if (e instanceof ConnectException || hasCause(e, ConnectException.class) || hasCause(e, java.nio.channels.UnresolvedAddressException.class)) {
      return "cannot connect to " + host + " (" + reason + ")";
    }
    return "connection to " + host + " failed (" + reason + ")";
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The first message along the cause chain, on one line; the class name when none has one. */
  static String rootMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        return oneLine(c.getMessage());
      }
      if (c instanceof java.nio.channels.UnresolvedAddressException) {
        return "unknown host";
      }
    }
    // the JDK client reports a refused connection as a ConnectException without a message
    return hasCause(t, ConnectException.class) ? "Connection refused" : t.getClass().getSimpleName();
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  @Override
  public void close() {
    http.close();
  }
}
