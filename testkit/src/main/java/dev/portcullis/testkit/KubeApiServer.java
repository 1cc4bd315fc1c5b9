package dev.portcullis.testkit;

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
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A real Kubernetes API server (v1.20.2, built from Debian's source package by {@code testkit/kube/build-kube-apiserver.sh}
 * and cached) on its own etcd (Debian's {@code etcd-server}), both on free loopback ports with their data in a
 * temporary directory: no kubelet, no controllers, so objects are stored and admitted but pods never run. It serves
 * HTTPS with a certificate from a fresh test CA (SAN 127.0.0.1), accepts a static bearer token of a {@code
 * system:masters} user, authorizes with RBAC, allows privileged pods and has the admission webhooks on (and the
 * ServiceAccount admission plugin off, as there is no controller to make tokens). {@link #kubectl()} drives it as a
 * user would; {@link #webhookTls} makes a webhook's serving certificate the server trusts. {@link #close()} stops both
 * processes and deletes their data; the logs stay beside the other test logs.
 *
 * <p>A shared instance ({@link #shared()}) serves every test of a JVM: webhook configurations are cluster-wide, so a
 * test that registers one must name it after itself, scope it with a namespace selector to its own namespaces, and
 * delete it when done.
 */
public final class KubeApiServer implements AutoCloseable {
  private static final String VERSION_DIR = "kube-apiserver-v1.20.2";
  private static final Duration BUILD = Duration.ofMinutes(30);
  private static final Duration ETCD_STARTUP = Duration.ofSeconds(30);
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration OPENSSL = Duration.ofSeconds(60);

  private static @Nullable KubeApiServer shared;

  /**
   * A webhook's TLS material signed by the API server's CA.
   *
   * @param certificateChain PEM: the serving certificate (SAN {@code IP:127.0.0.1}, {@code DNS:localhost}), then the CA's
   * @param privateKey PEM PKCS#8, EC P-256
   * @param caFile PEM of the CA alone
   * @param caBundle base64 of {@code caFile}, for a webhook configuration's {@code clientConfig.caBundle}
   */
  public record WebhookTls(Path certificateChain, Path privateKey, Path caFile, String caBundle) {}

  private final Path dir;
  private final Process etcd;
  private final Process apiserver;
  private final int port;
  private final String token;
  private final Path caFile;
  private final Path caKey;
  private final Path kubeconfig;
  private final Path etcdLog;
  private final Path apiserverLog;

  private KubeApiServer(Path dir, Process etcd, Process apiserver, int port, String token, Path caFile, Path caKey,
      Path kubeconfig, Path etcdLog, Path apiserverLog) {
    this.dir = dir;
    this.etcd = etcd;
    this.apiserver = apiserver;
    this.port = port;
    this.token = token;
    this.caFile = caFile;
    this.caKey = caKey;
    this.kubeconfig = kubeconfig;
    this.etcdLog = etcdLog;
    this.apiserverLog = apiserverLog;
  }

  /** One instance for the whole JVM, started on first use and stopped when the JVM exits. */
  public static synchronized KubeApiServer shared() throws IOException {
    if (shared == null) {
      KubeApiServer started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kube-apiserver-shutdown"));
      shared = started;
    }
    return shared;
  }

  /**
   * The kube-apiserver binary: {@code $PORTCULLIS_KUBE_APISERVER}, else the cached build, else built now by {@code
   * testkit/kube/build-kube-apiserver.sh} (about 7 minutes on 2 cores; {@code bin/test} builds it before the tests).
   */
  public static Path binary() throws IOException {
    String override = System.getenv("PORTCULLIS_KUBE_APISERVER");
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (!Files.isExecutable(p)) {
        throw new IOException("PORTCULLIS_KUBE_APISERVER=" + override + " is not an executable file");
      }
      return p;
    }
    String cacheEnv = System.getenv("PORTCULLIS_KUBE_CACHE");
    Path cache = cacheEnv != null && !cacheEnv.isBlank() ? Path.of(cacheEnv)
        : Path.of(System.getProperty("user.home"), ".cache", "portcullis", VERSION_DIR);
    Path cached = cache.resolve("bin/kube-apiserver");
    if (Files.isExecutable(cached)) {
      return cached;
    }
    Path script = buildScript();
    Tools.Result r = Tools.run(BUILD, "bash", script.toString());
    List<String> lines = r.stdoutText().lines().toList();
    Path built = Path.of(lines.isEmpty() ? "" : lines.getLast().strip());
    if (!Files.isExecutable(built)) {
      throw new IOException("build kube-apiserver: " + script + " printed no executable path (last line: '" + built + "')");
    }
    return built;
  }

  private static Path buildScript() throws IOException {
    List<Path> starts = new ArrayList<>();
    String root = System.getProperty("portcullis.root");
    if (root != null && !root.isBlank()) {
      starts.add(Path.of(root));
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path d = start; d != null; d = d.getParent()) {
        Path candidate = d.resolve("testkit/kube/build-kube-apiserver.sh");
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new IOException("kube-apiserver is not built and testkit/kube/build-kube-apiserver.sh was not found above "
        + starts + "; run it once (bin/test does) or set PORTCULLIS_KUBE_APISERVER");
  }

  /** Starts etcd and the API server and waits until {@code /readyz} answers 200; fails with the logs' tails. */
  public static KubeApiServer start() throws IOException {
    Path binary = binary();
    Tools.require("etcd");
    Tools.require("openssl");
    IOException last = null;
    // a free port can be taken between our probe and the server's bind: try a few
    for (int attempt = 0; attempt < 3; attempt++) {
      Path dir = Files.createTempDirectory("portcullis-kube-");
      try {
        return startOnce(binary, dir);
      } catch (PortTaken e) {
        last = e;
        Dirs.deleteTree(dir);
      } catch (IOException | RuntimeException e) {
        Dirs.deleteTree(dir);
        throw e;
      }
    }
    throw new IOException("start kube-apiserver: no free ports after 3 attempts", last);
  }

  private static final class PortTaken extends IOException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }

  private static KubeApiServer startOnce(Path binary, Path dir) throws IOException {
    Path pki = Files.createDirectories(dir.resolve("pki"));
    Path caKey = pki.resolve("ca.key");
    Path ca = pki.resolve("ca.pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=Portcullis test Kubernetes CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    Path servingKey = pki.resolve("apiserver.key");
    Path servingCert = pki.resolve("apiserver.pem");
    sign(ca, caKey, "kube-apiserver", servingKey, servingCert, pki.resolve("apiserver"));
    Path saKey = pki.resolve("sa.key");
    Path saPub = pki.resolve("sa.pub");
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", saKey.toString());
    openssl("pkey", "-in", saKey.toString(), "-pubout", "-out", saPub.toString());
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = "pcs-kube-" + HexFormat.of().formatHex(random);
    Path tokens = pki.resolve("tokens.csv");
    Files.writeString(tokens, token + ",portcullis-admin,portcullis-admin,\"system:masters\"\n");

    Path logs = Files.createDirectories(logDir());
    String stem = "kube-" + dir.getFileName();
    Path etcdLog = logs.resolve(stem + "-etcd.log");
    Path apiserverLog = logs.resolve(stem + "-apiserver.log");
    int clientPort = RegistryProcess.freePort();
    int peerPort = RegistryProcess.freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Process etcd = launch(etcdLog, List.of("etcd", "--name", "portcullis", "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "portcullis=" + peer, "--initial-cluster-state", "new"));
    Process apiserver = null;
    try {
      awaitEtcd(etcd, etcdLog, client);
      int port = RegistryProcess.freePort();
      apiserver = launch(apiserverLog, List.of(binary.toString(),
          "--etcd-servers=" + client,
          "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
          "--secure-port=" + port, "--insecure-port=0",
          "--cert-dir=" + dir.resolve("certs"),
          "--tls-cert-file=" + servingCert, "--tls-private-key-file=" + servingKey,
          "--client-ca-file=" + ca,
          "--token-auth-file=" + tokens, "--authorization-mode=RBAC",
          "--service-account-key-file=" + saPub, "--service-account-signing-key-file=" + saKey,
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          "--service-cluster-ip-range=10.0.0.0/24",
          "--allow-privileged=true",
          "--disable-admission-plugins=ServiceAccount",
          "--profiling=false"));
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: portcullis-test
            cluster:
              server: https://127.0.0.1:%d
              certificate-authority: %s
          users:
          - name: portcullis-admin
            user:
              token: %s
          contexts:
          - name: portcullis-test
            context:
              cluster: portcullis-test
              user: portcullis-admin
              namespace: default
          current-context: portcullis-test
          """.formatted(port, ca, token));
      KubeApiServer server = new KubeApiServer(dir, etcd, apiserver, port, token, ca, caKey, kubeconfig, etcdLog, apiserverLog);
      server.awaitReady();
      return server;
    } catch (IOException | RuntimeException e) {
      if (apiserver != null) {
        Exec.stop(apiserver, STOP_GRACE);
      }
      Exec.stop(etcd, STOP_GRACE);
      throw e;
    }
  }

  private static Process launch(Path log, List<String> command) throws IOException {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    } catch (IOException e) {
      throw new IOException("start " + command.getFirst() + ": " + e.getMessage(), e);
    }
  }

  private static void awaitEtcd(Process etcd, Path log, String client) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create(client + "/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + ETCD_STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      exitedEarly(etcd, "etcd", log);
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("start etcd: interrupted", e);
      }
      pause();
    }
    throw new IOException("start etcd: " + client + "/health did not answer within " + ETCD_STARTUP.toSeconds()
        + " s; log " + log + ":\n" + Exec.logTail(log, 30));
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(sslContext()).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create(url() + "/readyz")).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + token).build();
    long deadline = System.nanoTime() + READY.toNanos();
    String lastAnswer = "no answer";
    while (System.nanoTime() < deadline) {
      exitedEarly(etcd, "etcd", etcdLog);
      exitedEarly(apiserver, "kube-apiserver", apiserverLog);
      try {
        HttpResponse<String> r = http.send(readyz, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        lastAnswer = "HTTP " + r.statusCode();
      } catch (IOException e) {
        lastAnswer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("start kube-apiserver: interrupted", e);
      }
      pause();
    }
    throw new IOException("start kube-apiserver: " + url() + "/readyz not ready within " + READY.toSeconds() + " s (last: "
        + lastAnswer + "); log " + apiserverLog + ":\n" + Exec.logTail(apiserverLog, 30));
  }

  private static void exitedEarly(Process p, String what, Path log) throws IOException {
    if (p.isAlive()) {
      return;
    }
    String tail = Exec.logTail(log, 30);
    if (tail.contains("address already in use")) {
      throw new PortTaken("start " + what + ": a port was taken");
    }
    throw new IOException("start " + what + ": it exited with code " + p.exitValue() + "; log " + log + ":\n" + tail);
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String url() {
    return "https://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The bearer token of a {@code system:masters} user; a secret: do not print it. */
  public String token() {
    return token;
  }

  /** PEM of the CA that signed the server's (and {@link #webhookTls}'s) certificates. */
  public Path caFile() {
    return caFile;
  }

  /** A kubeconfig (server, CA file, admin token, namespace {@code default}) for {@code kubectl --kubeconfig}. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** {@code kubectl} with {@link #kubeconfig()}. */
  public Kubectl kubectl() {
    return new Kubectl(kubeconfig);
  }

  /** TLS trusting only {@link #caFile()}, for Java clients of the server or of a webhook it trusts. */
  public SSLContext sslContext() throws IOException {
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
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IOException("load the test Kubernetes CA " + caFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a webhook serving key and certificate chain signed by this server's CA into {@code dir} ({@code
   * webhook.pem}, {@code webhook.key}, {@code ca.pem}), valid for {@code IP:127.0.0.1} and {@code DNS:localhost}.
   */
  public WebhookTls webhookTls(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path key = dir.resolve("webhook.key");
    Path leaf = dir.resolve("webhook-leaf.pem");
    sign(caFile, caKey, "portcullis-webhook", key, leaf, dir.resolve("webhook"));
    Path chain = dir.resolve("webhook.pem");
    Path ca = dir.resolve("ca.pem");
    byte[] caPem = Files.readAllBytes(caFile);
    Files.write(ca, caPem);
    byte[] leafPem = Files.readAllBytes(leaf);
    byte[] both = new byte[leafPem.length + caPem.length];
    System.arraycopy(leafPem, 0, both, 0, leafPem.length);
    System.arraycopy(caPem, 0, both, leafPem.length, caPem.length);
    Files.write(chain, both);
    Files.delete(leaf);
    return new WebhookTls(chain, key, ca, Base64.getEncoder().encodeToString(caPem));
  }

  private static void sign(Path ca, Path caKey, String commonName, Path key, Path cert, Path stem) throws IOException {
    Path csr = stem.resolveSibling(stem.getFileName() + ".csr");
    Path ext = stem.resolveSibling(stem.getFileName() + ".ext");
    Files.writeString(ext, """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=critical,CA:FALSE
        keyUsage=critical,digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        """);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + commonName);
    Path serial = stem.resolveSibling(stem.getFileName() + ".srl");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAserial", serial.toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    Files.deleteIfExists(csr);
    Files.deleteIfExists(ext);
  }

  private static void openssl(String... args) throws IOException {
    List<String> c = new ArrayList<>(List.of("openssl"));
    c.addAll(List.of(args));
    Tools.run(OPENSSL, c);
  }

  public Path apiserverLog() {
    return apiserverLog;
  }

  public Path etcdLog() {
    return etcdLog;
  }

  /** Stops the API server, then etcd, and deletes their data; the logs stay. */
  @Override
  public void close() {
    Exec.stop(apiserver, STOP_GRACE);
    Exec.stop(etcd, STOP_GRACE);
    try {
      Dirs.deleteTree(dir);
    } catch (IOException e) {
      // a temp dir; the processes are what matters
    }
  }

  @Override
  public String toString() {
    return "kube-apiserver " + url() + " (log " + apiserverLog + ")";
  }

  private static Path logDir() {
    Path target = Path.of("target");
    return Files.isDirectory(target) ? target.resolve("kube-logs")
        : Path.of(System.getProperty("java.io.tmpdir"), "portcullis-kube-logs");
  }
}
