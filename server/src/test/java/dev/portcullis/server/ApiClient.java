package dev.portcullis.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Calls a running server's API as one identity: an API token ({@link #withToken}), a dashboard
 * session with its cookie and CSRF token ({@link #login}), or nobody ({@link #anonymous}).
 */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final Optional<String> token;
  private final Optional<String> cookie;
  private final Optional<String> csrf;
  private final HttpClient http;

  private ApiClient(URI base, Optional<String> token, Optional<String> cookie, Optional<String> csrf) {
    this(base, token, cookie, csrf, HTTP);
  }

  private ApiClient(URI base, Optional<String> token, Optional<String> cookie, Optional<String> csrf, HttpClient http) {
    this.base = base;
    this.token = token;
    this.cookie = cookie;
    this.csrf = csrf;
    this.http = http;
  }

  /** A client of a server that speaks HTTPS with a certificate issued by the CA in {@code caPem}. */
  private static HttpClient trusting(java.nio.file.Path caPem) throws IOException {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(dev.portcullis.oci.registry.TrustStores.withExtraCas(caPem))
        .build();
  }

  /** A token's client of a server on HTTPS whose certificate {@code caPem} issued. */
  public static ApiClient withToken(int port, String token, java.nio.file.Path caPem) throws IOException {
    return new ApiClient(URI.create("https://127.0.0.1:" + port), Optional.of(token), Optional.empty(), Optional.empty(), trusting(caPem));
  }

  /** Logs in to a server on HTTPS whose certificate {@code caPem} issued. */
  public static ApiClient login(int port, String name, String password, java.nio.file.Path caPem) throws IOException, InterruptedException {
    ApiClient nobody = new ApiClient(URI.create("https://127.0.0.1:" + port), Optional.empty(), Optional.empty(), Optional.empty(), trusting(caPem));
    return nobody.loggedIn(name, password);
  }

  /** One answer: status and body. */
  public record Answer(int status, String body, HttpResponse<String> response) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  public static ApiClient anonymous(int port) {
    return new ApiClient(URI.create("http://127.0.0.1:" + port), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static ApiClient withToken(int port, String token) {
    return new ApiClient(URI.create("http://127.0.0.1:" + port), Optional.of(token), Optional.empty(), Optional.empty());
  }

  /** Logs in with the JSON login; fails the test when the login is refused. */
  public static ApiClient login(int port, String name, String password) throws IOException, InterruptedException {
    return anonymous(port).loggedIn(name, password);
  }

  private ApiClient loggedIn(String name, String password) throws IOException, InterruptedException {
    ApiClient nobody = this;
    Answer a = nobody.post("/v1/login", JSON.createObjectNode().put("name", name).put("password", password).toString());
    if (a.status() != 200) {
      throw new AssertionError("login of " + name + " refused: " + a);
    }
    String setCookie = a.response().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("portcullis_session=")).findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie"));
    String value = setCookie.substring("portcullis_session=".length(), setCookie.indexOf(';'));
    return new ApiClient(nobody.base, Optional.empty(), Optional.of(value), Optional.of(a.json().get("csrf").asText()), http);
  }

  /** The session cookie's value (a secret the tests look for where it must not be). */
  public Optional<String> cookie() {
    return cookie;
  }

  /** This session without its CSRF token. */
  public ApiClient withoutCsrf() {
    return new ApiClient(base, token, cookie, Optional.empty(), http);
  }

  /**
   * Creates a token with these grants through the API (this client must be an admin) and answers its secret.
   *
   * @param owner the user the token acts for, or "" for a machine token
   */
  public String createToken(String name, String owner, List<String> grants) throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("name", name);
    if (!owner.isEmpty()) {
      body.put("owner", owner);
    }
    var g = body.putArray("grants");
    grants.forEach(g::add);
    Answer a = post("/v1/tokens", body.toString());
    if (a.status() != 201) {
      throw new AssertionError("token " + name + " refused: " + a);
    }
    return a.json().get("secret").asText();
  }

  /** Creates a user with these grants through the API (this client must be an admin). */
  public void createUser(String name, String password, List<String> grants) throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("name", name).put("password", password);
    var g = body.putArray("grants");
    grants.forEach(g::add);
    Answer a = post("/v1/users", body.toString());
    if (a.status() != 201) {
      throw new AssertionError("user " + name + " refused: " + a);
    }
  }

  public Answer get(String path) throws IOException, InterruptedException {
    return send(builder(path).GET());
  }

  public Answer post(String path, String json) throws IOException, InterruptedException {
    return send(builder(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Answer post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
    return send(builder(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Answer send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = builder(path);
    if (contentType.isEmpty()) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return send(b);
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    cookie.ifPresent(c -> b.header("Cookie", "portcullis_session=" + c));
    csrf.ifPresent(c -> b.header("X-CSRF-Token", c));
    return b;
  }

  private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r);
  }
}
