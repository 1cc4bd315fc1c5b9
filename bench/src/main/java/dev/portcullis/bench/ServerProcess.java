package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code portcullis server --config FILE} as a child JVM, started the way {@code bench/run} starts
 * the command ({@code java OPTS -jar portcullis.jar}), so that its heap, threads and resident set
 * are its own: the benchmark's polling and image building never share them, and its RSS can be
 * read from {@code /proc/PID/status}. {@link #close()} sends SIGTERM (the server hands running
 * jobs back and exits) and kills it if it has not exited within 30 s.
 *
 * <p>The API is authenticated: the configuration names the first administrator ({@link
 * #authYaml}), {@link #start} logs in as that administrator, and {@link #token} makes API tokens
 * for the benchmark's calls ({@code Authorization: Bearer}).
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofMinutes(2);
  /** The first administrator every benchmark server is configured with. */
  static final String ADMIN = "bench-admin";
  private static final String PASSWORD_FILE = "admin.password";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final int apiPort;
  private String scheme = "http";
  private final HttpClient http;
  private Session admin = new Session("", "");
  private String readToken = "";

  /** A dashboard session: its cookie's value and its CSRF token. */
  record Session(String cookie, String csrf) {
    @Override
    public String toString() {
      return "Session[…]";
    }
  }

  private ServerProcess(Process process, Path log, int apiPort, HttpClient http) {
    this.process = process;
    this.log = log;
    this.apiPort = apiPort;
    this.http = http;
  }

  /**
   * The {@code auth:} section that makes {@link #ADMIN} the first administrator, with a fresh random
   * password written to a file (mode 600) in {@code dir}, the configuration's directory.
   */
  static String authYaml(Path dir) throws IOException {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    Path file = dir.resolve(PASSWORD_FILE);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
    return "auth:\n  admin:\n    name: " + ADMIN + "\n    passwordFile: " + PASSWORD_FILE + "\n";
  }

  /**
   * Starts the server, returns once {@code /readyz} answers 200, {@link #ADMIN} has logged in and
   * the read token ({@link #read}) is made;
   * fails with the tail of its log otherwise. {@code config} holds {@link #authYaml} of its directory.
   */
  static ServerProcess start(Path java, List<String> javaOptions, Path jar, Path config, int apiPort, Path log, HttpClient http)
      throws IOException, InterruptedException {
    return start(java, javaOptions, jar, config, apiPort, log, http, "http");
  }

  /** {@link #start} of a server that speaks {@code scheme} ({@code https} when its configuration has {@code tls:}). */
  static ServerProcess start(Path java, List<String> javaOptions, Path jar, Path config, int apiPort, Path log, HttpClient http, String scheme)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(javaOptions);
    command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "server", "--config", config.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    ServerProcess server = new ServerProcess(p, log, apiPort, http);
    server.scheme = scheme;
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!server.ready()) {
      if (!p.isAlive()) {
        throw new IOException("portcullis server exited with " + p.exitValue() + "; log " + log + ":\n" + server.tail());
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IOException("portcullis server was not ready within " + STARTUP.toSeconds() + " s; log " + log + ":\n" + server.tail());
      }
      Thread.sleep(50);
    }
    try {
      server.admin = server.login(ADMIN, Files.readString(config.resolveSibling(PASSWORD_FILE), StandardCharsets.UTF_8).strip());
      server.readToken = server.token("bench-read", List.of("viewer:**"));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw new IOException(e.getMessage() + "; log " + log + ":\n" + server.tail(), e);
    }
    return server;
  }

  private boolean ready() throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(api("/readyz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /** Logs in with the JSON login ({@code POST /v1/login}); fails unless 200. */
  Session login(String name, String password) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("password", password);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(api("/v1/login")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("POST /v1/login as " + name + ": " + r.statusCode() + " " + r.body());
    }
    String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("portcullis_session=")).findFirst()
        .orElseThrow(() -> new IOException("POST /v1/login as " + name + " set no session cookie"));
    int end = cookie.indexOf(';');
    return new Session(cookie.substring("portcullis_session=".length(), end < 0 ? cookie.length() : end), JSON.readTree(r.body()).path("csrf").asText(""));
  }

  /** Creates a local user with {@code grants} as the administrator ({@code POST /v1/users}). */
  void createUser(String name, String password, List<String> grants) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("password", password);
    grants.forEach(body.putArray("grants")::add);
    HttpResponse<String> r = http.send(as(admin, "/v1/users").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("POST /v1/users " + name + ": " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * A new API token with {@code grants} ({@code viewer:**}, {@code developer:team-a/**}, ...),
   * made by the administrator's session; answers its secret.
   */
  String token(String name, List<String> grants) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("name", name).put("expiresInDays", 1);
    grants.forEach(body.putArray("grants")::add);
    HttpResponse<String> r = http.send(as(admin, "/v1/tokens").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("POST /v1/tokens " + name + ": " + r.statusCode() + " " + r.body());
    }
    JsonNode secret = JSON.readTree(r.body()).path("secret");
    if (!secret.isTextual()) {
      throw new IOException("POST /v1/tokens " + name + ": no secret in the answer");
    }
    return secret.asText();
  }

  /** A GET of {@code path} with a token of role {@code viewer} over every repository, made at start. */
  HttpRequest.Builder read(String path) {
    return HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + readToken);
  }

  /** A request in {@code session}: its cookie and its CSRF token. */
  HttpRequest.Builder as(Session session, String path) {
    return HttpRequest.newBuilder(api(path)).timeout(Duration.ofSeconds(60)).header("Cookie", "portcullis_session=" + session.cookie())
        .header("X-CSRF-Token", session.csrf());
  }

  URI api(String path) {
    return URI.create(scheme + "://127.0.0.1:" + apiPort + path);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** VmRSS and VmHWM of the server process, in KiB. */
  record Rss(long rssKib, long peakKib) {}

  Rss rss() throws IOException {
    long rss = -1;
    long hwm = -1;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"), StandardCharsets.UTF_8)) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    if (rss < 0 || hwm < 0) {
      throw new IOException("/proc/" + pid() + "/status has no VmRSS or VmHWM");
    }
    return new Rss(rss, hwm);
  }

  /**
   * User and system CPU seconds the server has used so far ({@code /proc/PID/stat} fields 14 and 15,
   * at the kernel's 100 ticks a second, {@code USER_HZ} on Linux).
   */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"), StandardCharsets.US_ASCII);
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** Resets VmHWM to the current RSS ({@code echo 5 > /proc/PID/clear_refs}, Linux 4.0 and later). */
  void resetPeak() throws IOException {
    Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
