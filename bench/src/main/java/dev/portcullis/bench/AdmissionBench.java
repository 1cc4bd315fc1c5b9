package dev.portcullis.bench;

import dev.portcullis.admission.ImageFacts;
import dev.portcullis.admission.Standing;
import dev.portcullis.admission.VerdictEvidence;
import dev.portcullis.admission.remote.FactsJson;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.registry.TrustStores;
import dev.portcullis.server.store.ImageState;
import dev.portcullis.server.store.Store;
import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.TestPki;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * Group {@code admission} of {@code bench/run}: the validating webhook's latency as a Kubernetes API
 * server sees it (issue 15). {@code portcullis server} (a child JVM, TLS on loopback) holds the
 * prefetched facts of five signed, passing images; an open-loop load generator in this JVM, on the
 * same cores ({@link KeepAliveLoad}: a pool of kept-alive connections, as an API server holds), sends the AdmissionReview of a five-container Deployment (every image by digest,
 * restricted-compliant) at a fixed rate, and measures each answer from the moment it was due (so a
 * stalled server is not hidden by a generator that waits). The baseline is {@code GET /healthz} of
 * the same server under the same load: the same TLS, HTTP stack and security headers, no decision
 * and no audit record. Every validation is decided from the database and written to the audit
 * trail, as in production.
 *
 * <p>Usage: {@code AdmissionBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]}. Prints the
 * Markdown table.
 */
public final class AdmissionBench {
  static final int CONTAINERS = 5;
  static final int[] RATES = {200, 1_000};
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final Duration WARMUP = Duration.ofSeconds(5);
  static final double GOAL_P99_MS = 10;
  /** Keep-alive connections the generator holds to the server, as an API server's pool to a webhook. */
  static final int CONNECTIONS = 8;

  private final Path work;
  private final Path java;
  private final Path jar;
  private final Path vulnDb;
  private final int runs;
  private final Path results;
  private final List<String> javaOptions;

  private AdmissionBench(Path work, Path java, Path jar, Path vulnDb, int runs, Path results, List<String> javaOptions) {
    this.work = work;
    this.java = java;
    this.jar = jar;
    this.vulnDb = vulnDb;
    this.runs = runs;
    this.results = results;
    this.javaOptions = javaOptions;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: AdmissionBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]");
      System.exit(2);
    }
    new AdmissionBench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]), Path.of(args[5]),
        List.of(Arrays.copyOfRange(args, 6, args.length))).run();
  }

  private void run() throws Exception {
    Dirs.deleteTree(work);
    Files.createDirectories(work);
    TestPki.ServerTls tls = TestPki.serverTls(Files.createDirectories(work.resolve("pki")));
    Path key = work.resolve("release.key");
    Path pub = work.resolve("release.pub");
    PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), Passphrase.empty(), KeyFormat.values()[0], key, pub);
    String keyId = KeyIds.of(PublicKeys.read(pub));
    int port = RegistryProcess.freePort();
    String registry = "127.0.0.1:" + RegistryProcess.freePort();
    List<String> images = seed(work.resolve("data"), registry, keyId);
    Path config = work.resolve("server.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:%d
        data: data
        workers: 1
        vulnerabilityDatabase: %s
        sweepInterval: 0
        tls: {certificate: %s, key: %s}
        registries:
          - name: dev
            url: http://%s
            stage: prod
        stages:
          prod:
            admission:
              trustedKeys: [release.pub]
              registries: ["%s"]
              podSecurity: restricted
        """.formatted(port, vulnDb, tls.certificate(), tls.privateKey(), registry, registry) + ServerProcess.authYaml(work));
    java.util.concurrent.ExecutorService callbacks = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-http");
      t.setDaemon(true);
      return t;
    });
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TrustStores.withExtraCas(tls.caCertificate()))
        .connectTimeout(Duration.ofSeconds(5)).executor(callbacks).build();
    byte[] review = review(images).getBytes(StandardCharsets.UTF_8);
    List<String> rows = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(java, javaOptions, jar, config, port, results.resolve("admission-server.log"), http, "https");
        BufferedWriter tsv = Files.newBufferedWriter(results.resolve("admission.tsv"));
        KeepAliveLoad load = new KeepAliveLoad(TrustStores.withExtraCas(tls.caCertificate()).getSocketFactory(), "127.0.0.1", port, CONNECTIONS)) {
      HttpRequest validate = HttpRequest.newBuilder(server.api("/admission/validate/prod")).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(review)).build();
      HttpResponse<String> first = http.send(validate, HttpResponse.BodyHandlers.ofString());
      if (first.statusCode() != 200 || !first.body().contains("\"allowed\":true")) {
        throw new IOException("the bench's Deployment is not admitted: " + first.statusCode() + " " + first.body());
      }
      String authority = "127.0.0.1:" + port;
      byte[] validateBytes = KeepAliveLoad.request("POST", "/admission/validate/prod", authority, review);
      byte[] healthBytes = KeepAliveLoad.request("GET", "/healthz", authority, new byte[0]);
      for (int rate : RATES) {
        List<Double> ours = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        int[] failures = new int[2];
        double[] cpu = new double[2];
        for (int round = 0; round < runs; round++) {
          load.run(validateBytes, rate, WARMUP, null);
          load.run(healthBytes, rate, WARMUP, null);
          int r = round;
          double before = server.cpuSeconds();
          failures[0] += load.run(validateBytes, rate, WINDOW, ms -> keep(ours, tsv, "validate", rate, r, ms));
          double between = server.cpuSeconds();
          failures[1] += load.run(healthBytes, rate, WINDOW, ms -> keep(base, tsv, "healthz", rate, r, ms));
          cpu[0] += between - before;
          cpu[1] += server.cpuSeconds() - between;
        }
        double p50 = ServerBench.percentile(ours, 0.5);
        double p99 = ServerBench.percentile(ours, 0.99);
        rows.add(String.format("| %,d rps, %d-container Deployment (%,d requests per side) | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f / %.2f ms | %d / %d | %s | %s |",
            rate, CONTAINERS, ours.size(), p50, p99, ServerBench.percentile(ours, 0.999), ServerBench.percentile(base, 0.5),
            ServerBench.percentile(base, 0.99), 1000 * cpu[0] / Math.max(1, ours.size()), 1000 * cpu[1] / Math.max(1, base.size()),
            failures[0], failures[1], rate == 1_000 ? "p99 ≤ " + Report.number(GOAL_P99_MS) + " ms" : "",
            rate == 1_000 ? (p99 <= GOAL_P99_MS && failures[0] == 0 ? "yes" : "**no**") : ""));
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("\n### Admission webhook on loopback TLS (server child JVM, open-loop load generator on the same cores)\n\n");
    out.append("| Load | validate p50 | validate p99 | validate p99.9 | /healthz p50 | /healthz p99 | Server CPU per request (validate / healthz) "
        + "| Failed (validate / healthz) | Goal | Met |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> out.append(r).append('\n'));
    System.out.print(out);
  }

  private static void keep(List<Double> into, BufferedWriter tsv, String side, int rate, int round, double ms) {
    into.add(ms);
    try {
      tsv.write(side + "\t" + rate + "\t" + round + "\t" + String.format(Locale.ROOT, "%.3f", ms) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Five passing images in registry {@code dev}, each with a signature and a prod verdict by {@code keyId}, as a scan leaves them. */
  private static List<String> seed(Path data, String registry, String keyId) throws IOException {
    List<String> images = new ArrayList<>();
    Instant now = Instant.now();
    try (Store store = Store.sqlite(data, Clock.systemUTC())) {
      for (int i = 0; i < CONTAINERS; i++) {
        Digest digest = Digest.sha256(("admission bench image " + i).getBytes(StandardCharsets.UTF_8));
        String repository = "team/app" + i;
        ImageFacts facts = new ImageFacts(digest, Optional.of(Standing.PASSED), "", List.of(keyId),
            List.of(new VerdictEvidence("prod", "allow", 92, now, keyId)), now);
        store.transaction(c -> {
          store.images().seen(c, "dev", repository, digest, "1", "sweep", "seeded for the bench");
          store.images().transition(c, "dev", digest.toString(), ImageState.PASSED, "scanner", "seeded for the bench");
          store.admission().put(c, "dev", digest.toString(), FactsJson.write(facts), now.toEpochMilli());
          return null;
        });
        images.add(registry + "/" + repository + "@" + digest);
      }
    }
    return images;
  }

  /** The AdmissionReview the API server sends for {@code kubectl apply} of a restricted Deployment with one container per image. */
  static String review(List<String> images) {
    StringBuilder containers = new StringBuilder();
    for (int i = 0; i < images.size(); i++) {
      containers.append(i == 0 ? "" : ",").append("""
          {"name":"c%d","image":"%s","resources":{"limits":{"cpu":"100m","memory":"64Mi"}},"securityContext":{"allowPrivilegeEscalation":false,\
          "readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}}}""".formatted(i, images.get(i)));
    }
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",\
        "kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},\
        "namespace":"shop","operation":"CREATE","userInfo":{"username":"alice","groups":["system:authenticated"]},"dryRun":false,\
        "object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":2,\
        "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"automountServiceAccountToken":false,\
        "securityContext":{"runAsNonRoot":true,"runAsUser":10001,"runAsGroup":10001,"seccompProfile":{"type":"RuntimeDefault"}},\
        "containers":[%s]}}}}}}""".formatted(containers);
  }
}
