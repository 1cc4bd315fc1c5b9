package dev.portcullis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The real CNCF Distribution registry ({@code /usr/bin/docker-registry}) on 127.0.0.1 and a free
 * port, storing into a temporary directory, with deletes enabled. {@link #close()} stops it and
 * deletes its storage; its log stays in {@code target/registry-logs} (or the temp dir) for
 * post-mortems, and {@link #toString()} names it.
 */
public final class RegistryProcess implements AutoCloseable {
  private static final String BINARY = "/usr/bin/docker-registry";
  private static final Duration STARTUP = Duration.ofSeconds(30);

  /** How clients must authenticate. */
  public sealed interface Auth {
    /** Anonymous access to everything. */
    record None() implements Auth {}

    /** HTTP basic authentication against an htpasswd (bcrypt) file made with the real {@code htpasswd}. */
    record Basic(String username, String password) implements Auth {}

    /** The Docker token flow: the registry sends clients to {@code realm} and trusts tokens signed by a certificate in {@code rootCertBundle}. */
    record Token(String realm, String service, String issuer, Path rootCertBundle) implements Auth {}
  }

  /** Where the registry sends its notification envelopes. */
  public record Notify(String url, @Nullable String token) {}

  /** What to start: TLS (with a fresh test CA) or plain HTTP, and the authentication. */
  public record Options(boolean tls, Auth auth, @Nullable Notify notifications) {
    public Options(boolean tls, Auth auth) {
      this(tls, auth, null);
    }

    /** These options, with the registry sending its events to {@code url} (with {@code Authorization: Bearer token} when given). */
    public Options withNotifications(String url, @Nullable String token) {
      return new Options(tls, auth, new Notify(url, token));
    }

    public static Options plain() {
      return new Options(false, new Auth.None());
    }

    /** HTTPS with a fresh test CA ({@link RegistryProcess#caFile()}), no authentication. */
    public static Options https() {
      return new Options(true, new Auth.None());
    }

    /** Plain HTTP with htpasswd basic authentication for one user. */
    public static Options basicAuth(String username, String password) {
      return new Options(false, new Auth.Basic(username, password));
    }

    /** Plain HTTP with the token flow of {@code tokens}. */
    public static Options tokenAuth(RegistryTokenServer tokens) {
      return new Options(false, tokens.registryAuth());
    }
  }

  private final Process process;
  private final Path workDir;
  private final Path storage;
  private final Path logFile;
  private final int port;
  private final @Nullable Path caFile;
  private final Options options;

  private RegistryProcess(Process process, Path workDir, Path storage, Path logFile, int port, @Nullable Path caFile, Options options) {
    this.process = process;
    this.workDir = workDir;
    this.storage = storage;
    this.logFile = logFile;
    this.port = port;
    this.caFile = caFile;
    this.options = options;
  }

  /** A plain-HTTP registry without authentication. */
  public static RegistryProcess start() {
    return start(Options.plain());
  }

  /** Starts a registry and waits until {@code /v2/} answers; fails with the registry's log when it does not. */
  public static RegistryProcess start(Options options) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("portcullis-registry-");
    } catch (IOException e) {
      throw new UncheckedIOException("start registry: cannot make a temp dir: " + e.getMessage(), e);
    }
    try {
      IllegalStateException last = null;
      // the free port can be taken between our probe and the registry's bind: try a few
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          return startOnce(options, workDir);
        } catch (PortTaken e) {
          last = e;
        }
      }
      throw new IllegalStateException("start registry: no free port after 3 attempts", last);
    } catch (RuntimeException e) {
      deleteTree(workDir);
      throw e;
    }
  }

  private static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }

  private static RegistryProcess startOnce(Options options, Path workDir) {
    int port = freePort();
    Path storage = workDir.resolve("storage");
    Path logFile = logDir().resolve("registry-" + port + "-" + System.nanoTime() + ".log");
    Path caFile = null;
    StringBuilder yaml = new StringBuilder();
    yaml.append("version: 0.1\n")
        .append("log:\n  level: info\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
        .append("  secret: portcullis-test-secret\n");
    try {
      Files.createDirectories(storage);
      if (options.tls()) {
        Path tlsDir = Files.createDirectories(workDir.resolve("tls"));
        TestPki.ServerTls tls = TestPki.serverTls(tlsDir);
        caFile = tls.caCertificate();
        yaml.append("  tls:\n    certificate: ").append(tls.certificate()).append("\n    key: ").append(tls.privateKey()).append('\n');
      }
      switch (options.auth()) {
        case Auth.None none -> {}
        case Auth.Basic basic -> {
          String line = Tools.run(Duration.ofSeconds(30), "htpasswd", "-Bbn", basic.username(), basic.password()).stdoutText().strip();
          Path htpasswd = workDir.resolve("htpasswd");
          Files.writeString(htpasswd, line + "\n");
          yaml.append("auth:\n  htpasswd:\n    realm: portcullis-test\n    path: ").append(htpasswd).append('\n');
        }
        case Auth.Token token -> yaml.append("auth:\n  token:\n")
            .append("    realm: ").append(token.realm()).append('\n')
            .append("    service: ").append(token.service()).append('\n')
            .append("    issuer: ").append(token.issuer()).append('\n')
            .append("    rootcertbundle: ").append(token.rootCertBundle()).append('\n');
      }
      if (options.notifications() != null) {
        yaml.append("notifications:\n  endpoints:\n    - name: portcullis\n      url: ").append(options.notifications().url()).append('\n')
            .append("      timeout: 2s\n      threshold: 3\n      backoff: 1s\n");
        if (options.notifications().token() != null) {
          yaml.append("      headers:\n        Authorization: [\"Bearer ").append(options.notifications().token()).append("\"]\n");
        }
      }
      Path config = workDir.resolve("config.yml");
      Files.writeString(config, yaml);
      Files.createDirectories(logFile.getParent());
      Process process = new ProcessBuilder(BINARY, "serve", config.toString())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      RegistryProcess registry = new RegistryProcess(process, workDir, storage, logFile, port, caFile, options);
      try {
        registry.awaitReady();
      } catch (RuntimeException e) {
        registry.stop();
        throw e;
      }
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("start registry on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady() {
    HttpClient client = probeClient();
    URI v2 = URI.create(url() + "/v2/");
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = log();
        if (log.contains("address already in use")) {
          throw new PortTaken("start registry: port " + port + " was taken");
        }
        throw new IllegalStateException("start registry: it exited with code " + process.exitValue() + "; log " + logFile + ":\n" + tail(log));
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(v2).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("start registry: interrupted", e);
      }
      sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException("start registry: /v2/ did not answer within " + STARTUP.toSeconds() + " s; log " + logFile + ":\n" + tail(log()));
  }

  private HttpClient probeClient() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (caFile != null) {
      try (InputStream in = Files.newInputStream(caFile)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        b.sslContext(ssl);
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException("start registry: cannot load the test CA " + caFile + ": " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /** {@code 127.0.0.1:PORT}, as image references name the registry. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://...}. */
  public String url() {
    return (options.tls() ? "https://" : "http://") + host();
  }

  /** The PEM file of the CA that signed the registry's certificate, in TLS mode. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** Where the registry keeps its data ({@code docker/registry/v2/...}), for tests that tamper with it. */
  public Path storageDir() {
    return storage;
  }

  /** The file at {@code storageDir()/docker/registry/v2/blobs/sha256/XX/HEX/data} for a blob's hex digest. */
  public Path blobDataFile(String sha256Hex) {
    return storage.resolve("docker/registry/v2/blobs/sha256/" + sha256Hex.substring(0, 2) + "/" + sha256Hex + "/data");
  }

  public Path logFile() {
    return logFile;
  }

  /** The registry's log so far. */
  public String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the registry and deletes its storage; the log file stays. */
  @Override
  public void close() {
    stop();
    deleteTree(workDir);
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "registry " + url() + " (log " + logFile + ")";
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static Path logDir() {
    Path target = Path.of("target");
    return Files.isDirectory(target) ? target.resolve("registry-logs") : Path.of(System.getProperty("java.io.tmpdir"), "portcullis-registry-logs");
  }

  /** A TCP port free on the loopback interface just now (another process may take it before it is used). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("start registry: no free port: " + e.getMessage(), e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("delete " + root + ": " + e.getMessage(), e);
    }
  }
}
