package dev.portcullis.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A token server for the Docker token flow, on 127.0.0.1: it grants every scope asked for (to the
 * one user it knows, or to anyone when it knows none) as an RS256 JWT whose {@code x5c} header
 * carries its self-signed certificate; start {@link RegistryProcess} with {@link #registryAuth()}
 * so that the registry trusts it. It records what it was asked.
 */
public final class RegistryTokenServer implements AutoCloseable {
  public static final String SERVICE = "portcullis-test-registry";
  public static final String ISSUER = "portcullis-test-issuer";
  private static final long LIFETIME_SECONDS = 300;

  /** One token request: the scopes asked for and the user that authenticated, if any. */
  public record TokenRequest(List<String> scopes, @Nullable String user, String service) {
    public TokenRequest {
      scopes = List.copyOf(scopes);
    }
  }

  private final HttpServer server;
  private final Path workDir;
  private final TestPki.SigningCertificate signer;
  private final PrivateKey key;
  private final String certificateDer;
  private final @Nullable String username;
  private final @Nullable String password;
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

  private RegistryTokenServer(HttpServer server, Path workDir, TestPki.SigningCertificate signer, PrivateKey key, String certificateDer,
      @Nullable String username, @Nullable String password) {
    this.server = server;
    this.workDir = workDir;
    this.signer = signer;
    this.key = key;
    this.certificateDer = certificateDer;
    this.username = username;
    this.password = password;
  }

  /** A token server that grants anyone. */
  public static RegistryTokenServer start() {
    return start(null, null);
  }

  /** A token server that grants {@code username} (with {@code password}) only, when they are not null. */
  public static RegistryTokenServer start(@Nullable String username, @Nullable String password) {
    try {
      Path workDir = Files.createTempDirectory("portcullis-token-");
      TestPki.SigningCertificate signer = TestPki.rsaSigningCertificate(workDir, "portcullis test token signer");
      String pem = Files.readString(signer.privateKey(), StandardCharsets.US_ASCII);
      byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      X509Certificate cert;
      try (InputStream in = Files.newInputStream(signer.certificate())) {
        cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
      RegistryTokenServer tokens = new RegistryTokenServer(server, workDir, signer, key,
          Base64.getEncoder().encodeToString(cert.getEncoded()), username, password);
      server.createContext("/token", tokens::handle);
      server.start();
      return tokens;
    } catch (IOException e) {
      throw new UncheckedIOException("start token server: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("start token server: " + e.getMessage(), e);
    }
  }

  /** The realm URL clients are sent to. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** What {@link RegistryProcess} needs to trust this server's tokens. */
  public RegistryProcess.Auth.Token registryAuth() {
    return new RegistryProcess.Auth.Token(realm(), SERVICE, ISSUER, signer.certificate());
  }

  /** Every token request so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      List<String> scopes = new ArrayList<>();
      String service = "";
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          int eq = pair.indexOf('=');
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          switch (name) {
            case "scope" -> scopes.addAll(List.of(value.split(" ")));
            case "service" -> service = value;
            default -> {}
          }
        }
      }
      String user = basicUser(exchange.getRequestHeaders().getFirst("Authorization"));
      requests.add(new TokenRequest(scopes, user, service));
      if (username != null && !username.equals(user)) {
        respond(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"incorrect username or password\"}]}");
        return;
      }
      String jwt = sign(user == null ? "" : user, service, scopes);
      respond(exchange, 200, "{\"token\":\"" + jwt + "\",\"access_token\":\"" + jwt + "\",\"expires_in\":" + LIFETIME_SECONDS + "}");
    }
  }

  /** The user named by a basic Authorization header whose password is right; null otherwise. */
  private @Nullable String basicUser(@Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    return password == null || password.equals(decoded.substring(colon + 1)) ? user : null;
  }

  private String sign(String subject, String service, List<String> scopes) {
    long now = Instant.now().getEpochSecond();
    StringBuilder access = new StringBuilder("[");
    for (String scope : scopes) {
      String[] parts = scope.split(":");
      if (parts.length < 3) {
        continue;
      }
      // repository names cannot contain ':' but a registry host with a port can appear in other types; take the last part as actions
      String actions = parts[parts.length - 1];
      String name = scope.substring(parts[0].length() + 1, scope.length() - actions.length() - 1);
      if (access.length() > 1) {
        access.append(',');
      }
      access.append("{\"type\":\"").append(parts[0]).append("\",\"name\":\"").append(name).append("\",\"actions\":[");
      String[] list = actions.split(",");
      for (int i = 0; i < list.length; i++) {
        access.append(i > 0 ? "," : "").append('"').append(list[i]).append('"');
      }
      access.append("]}");
    }
    access.append(']');
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certificateDer + "\"]}";
    String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + service + "\",\"exp\":" + (now + LIFETIME_SECONDS)
        + ",\"nbf\":" + (now - 30) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":" + access + "}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sign token: " + e.getMessage(), e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
    RegistryProcess.deleteTree(workDir);
  }
}
