package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.server.audit.AuditEvent;
import dev.portcullis.server.audit.AuditLog;
import dev.portcullis.server.auth.Grant;
import dev.portcullis.server.auth.Identity;
import dev.portcullis.server.store.ImageStates;
import dev.portcullis.server.store.Store;
import dev.portcullis.server.web.ImagePage;
import dev.portcullis.server.web.StoredAssessment;
import dev.portcullis.server.web.ViewContext;
import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.RegistryProcess;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Group {@code api} of {@code bench/run}: what authentication, the database and the audit trail
 * cost the server's API and dashboard (issue 14). Three measurements, each side by side with a
 * baseline that lacks exactly the part under test:
 *
 * <ol>
 *   <li>the audit trail's append ({@link AuditLog#append(AuditEvent)}, in this JVM, on SQLite as the
 *       server opens it) against an INSERT and commit of a row of the same columns, values and
 *       indexes through the same {@link Store} (pool, JDBC driver, pragmas);
 *   <li>the dashboard's image page of an image with {@value #FINDINGS} findings, server-side ({@link
 *       StoredAssessment#read} and {@link ImagePage#render}, in this JVM) against Jackson parsing the
 *       same stored JSON alone; and the same page served over HTTP;
 *   <li>{@code portcullis server} (a child JVM, {@link ServerProcess}) holding {@value #IMAGES}
 *       decided images: {@code GET /v1/images} and {@code POST /v1/exceptions} with an API token at
 *       {@value #CLIENTS} concurrent clients on loopback, against {@code GET /healthz} (the same HTTP
 *       stack and security headers, no database and no authentication) under the same load.
 * </ol>
 *
 * <p>Usage: {@code ApiBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]}: a scratch
 * directory (on disk, where a server keeps its database), the JDK's {@code java}, {@code
 * portcullis.jar}, a vulnerability database, the rounds of the load, the directory for the raw
 * samples ({@code api-*.tsv}) and the server's log; the options are the server JVM's. Prints the
 * Markdown tables.
 */
public final class ApiBench {
  static final int IMAGES = 1_000;
  static final int CLIENTS = 50;
  /** Requests each client sends, one after the other, per side and round. */
  static final int REQUESTS_PER_CLIENT = 20;
  /** Untimed rounds of every side first: the server's JIT compiles its handlers. */
  static final int LOAD_WARMUP = 2;
  static final int FINDINGS = 2_000;
  static final int APPEND_WARMUP = 5_000;
  static final int APPENDS = 20_000;
  static final int APPEND_ROUNDS = 10;
  static final double APPEND_GOAL_MS = 1.0;
  static final int RENDER_WARMUP = 50;
  static final int RENDERS = 300;
  static final double RENDER_GOAL_MS = 200;
  static final int PAGE_WARMUP = 20;
  static final int PAGES = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant SCANNED = Instant.parse("2026-12-01T10:00:00Z");

  private final Path work;
  private final Path java;
  private final Path jar;
  private final Path vulnDb;
  private final int runs;
  private final Path results;
  private final List<String> javaOptions;
  private final StringBuilder out = new StringBuilder();
  /** Keeps the results of measured work alive, so the JIT cannot drop the work. */
  private long sink;

  private ApiBench(Path work, Path java, Path jar, Path vulnDb, int runs, Path results, List<String> javaOptions) {
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
      System.err.println("usage: ApiBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]");
      System.exit(2);
    }
    ApiBench b = new ApiBench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]), Path.of(args[5]),
        List.of(Arrays.copyOfRange(args, 6, args.length)));
    Files.createDirectories(b.work);
    b.appends(b.work.resolve("audit"));
    // the same on tmpfs, where a commit's and a WAL checkpoint's fsync cost nothing: what remains is the CPU's share
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm)) {
      Path dir = Files.createTempDirectory(shm, "portcullis-api-audit");
      try {
        b.appends(dir.resolve("audit"));
      } finally {
        Dirs.deleteTree(dir);
      }
    }
    b.render();
    b.api();
    System.out.print(b.out);
    if (b.sink == 42) {
      System.err.println();
    }
  }

  // --- 1. the audit trail's append against a bare INSERT and commit --------------------------------

  /** One append of record {@code n}. */
  @FunctionalInterface
  private interface Append {
    void run(int n) throws IOException;
  }

  private static final List<Grant> TOKEN_GRANTS = List.of(Grant.parse("developer:**"));
  private static final String TOKEN_ID = UUID.nameUUIDFromBytes("bench-token".getBytes(StandardCharsets.UTF_8)).toString();

  /** What the API appends for one {@code POST /v1/exceptions} by a CI token. */
  private static AuditEvent event(int n) {
    return new AuditEvent(Identity.token(TOKEN_ID, "ci-deploy", "", TOKEN_GRANTS, "127.0.0.1"), "requestException",
        "exception:" + UUID.nameUUIDFromBytes(("exception " + n).getBytes(StandardCharsets.UTF_8)), "success",
        "CVE-2024-" + (10000 + n % 90000) + ": not reachable, the service never parses untrusted XML");
  }

  private static final String COLUMNS = "seq BIGINT NOT NULL PRIMARY KEY, at BIGINT NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, "
      + "actor_kind VARCHAR(20) NOT NULL, source TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, "
      + "reason TEXT NOT NULL, prev VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL";

  /** An INSERT of the audit record's columns and values (prev and hash 64 hex digits) into {@code table}, committed. */
  private static Append insert(Store store, String table) {
    HexFormat hex = HexFormat.of();
    return n -> store.transaction(c -> {
      AuditEvent e = event(n);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (seq, at, actor_id, actor_name, actor_kind, source, action, target, "
          + "outcome, reason, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setLong(1, n + 1L);
        s.setLong(2, store.clock().millis());
        s.setString(3, e.actor().id());
        s.setString(4, e.actor().name());
        s.setString(5, "token");
        s.setString(6, e.actor().source());
        s.setString(7, e.action());
        s.setString(8, e.target());
        s.setString(9, e.outcome());
        s.setString(10, e.reason());
        s.setString(11, hex.formatHex(digest("prev " + n)));
        s.setString(12, hex.formatHex(digest("hash " + n)));
        s.executeUpdate();
      }
      return null;
    });
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private void appends(Path dir) throws Exception {
    Dirs.deleteTree(dir);
    Files.createDirectories(dir);
    Path key = keyPair(dir);
    String fs = Files.getFileStore(dir).type();
    say("audit: " + APPEND_WARMUP + " warm-up and " + APPENDS + " measured appends per side, " + APPEND_ROUNDS + " rounds, SQLite on " + fs);
    Map<String, Store> stores = new LinkedHashMap<>();
    Map<String, Append> sides = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (String side : List.of("bare", "indexed", "chain", "signed")) {
      stores.put(side, Store.sqlite(dir.resolve(side), Clock.systemUTC()));
    }
    AuditLog signedLog;
    try {
      stores.get("bare").transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE bench_rows (" + COLUMNS + ")");
        }
        return null;
      });
      stores.get("indexed").transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE bench_rows (" + COLUMNS + ")");
          // the secondary indexes of audit_records (V6__audit.sql)
          for (String column : List.of("at", "actor_id", "action", "target")) {
            s.execute("CREATE INDEX bench_rows_" + column + " ON bench_rows (" + column + ")");
          }
        }
        return null;
      });
      sides.put("bare", insert(stores.get("bare"), "bench_rows"));
      labels.put("bare", "INSERT of the same row into a table of the same columns, no index, and commit (for scale)");
      sides.put("indexed", insert(stores.get("indexed"), "bench_rows"));
      labels.put("indexed", "**baseline**: INSERT of the same row into a table of the same columns and indexes as `audit_records`, and commit");
      AuditLog chain = new AuditLog(stores.get("chain"), Optional.empty(), AuditLog.DEFAULT_CHECKPOINT_EVERY);
      sides.put("chain", n -> chain.append(event(n)));
      labels.put("chain", "`AuditLog.append`, no signing key (lock the head, canonical JSON, SHA-256, insert, move the head, commit)");
      signedLog = new AuditLog(stores.get("signed"), Optional.of(LocalSigner.read(key, Passphrase.empty())), AuditLog.DEFAULT_CHECKPOINT_EVERY);
      AuditLog signed = signedLog;
      sides.put("signed", n -> signed.append(event(n)));
      labels.put("signed", "`AuditLog.append` with the server's P-256 key: the same, and a signed checkpoint every " + AuditLog.DEFAULT_CHECKPOINT_EVERY
          + " records (as the server runs it)");

      int perRound = APPENDS / APPEND_ROUNDS;
      Map<String, Integer> next = new LinkedHashMap<>();
      sides.keySet().forEach(s -> next.put(s, 0));
      // warm-up in the same alternating chunks
      for (int done = 0; done < APPEND_WARMUP; done += perRound) {
        for (String side : sides.keySet()) {
          int from = next.get(side);
          for (int i = 0; i < Math.min(perRound, APPEND_WARMUP - done); i++) {
            sides.get(side).run(from + i);
          }
          next.put(side, from + Math.min(perRound, APPEND_WARMUP - done));
        }
      }
      Map<String, List<Double>> samples = new LinkedHashMap<>();
      Path tsv = results.resolve("api-audit-" + fs + ".tsv");
      try (BufferedWriter w = Files.newBufferedWriter(tsv)) {
        w.write("side\tround\tn\tmicroseconds\n");
        for (int r = 1; r <= APPEND_ROUNDS; r++) {
          List<String> order = new ArrayList<>(sides.keySet());
          if (r % 2 == 0) {
            order = order.reversed();
          }
          for (String side : order) {
            Append a = sides.get(side);
            int from = next.get(side);
            List<Double> ms = samples.computeIfAbsent(side, x -> new ArrayList<>());
            for (int i = 0; i < perRound; i++) {
              long t0 = System.nanoTime();
              a.run(from + i);
              long t = System.nanoTime() - t0;
              ms.add(t / 1e6);
              w.write(side + "\t" + r + "\t" + (from + i + 1) + "\t" + String.format(Locale.ROOT, "%.1f", t / 1e3) + "\n");
            }
            next.put(side, from + perRound);
          }
        }
      }
      var verified = signedLog.verify(List.of(PublicKeys.read(dir.resolve("server.pub"))));
      double base50 = ServerBench.percentile(samples.get("indexed"), 0.5);
      double base99 = ServerBench.percentile(samples.get("indexed"), 0.99);
      out.append(String.format(Locale.ROOT, "%n| Append one audit record, SQLite as the server opens it (WAL, `synchronous=NORMAL`, one connection) on %s; "
          + "%,d measured per side after %,d, in %d alternating rounds | p50 | p99 | p99.9 | Max | Over 1 ms | p50 / baseline | p99 / baseline | Goal | Met |%n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---|---|%n", fs, APPENDS, APPEND_WARMUP, APPEND_ROUNDS));
      for (String side : sides.keySet()) {
        List<Double> v = samples.get(side);
        double p99 = ServerBench.percentile(v, 0.99);
        boolean audited = side.equals("chain") || side.equals("signed");
        double over = 100.0 * v.stream().filter(x -> x > 1.0).count() / v.size();
        out.append(String.format(Locale.ROOT, "| %s | %.3f ms | %.3f ms | %.3f ms | %.2f ms | %.2f %% | %.2f× | %.2f× | %s | %s |%n", labels.get(side),
            ServerBench.percentile(v, 0.5), p99, ServerBench.percentile(v, 0.999), max(v), over, ServerBench.percentile(v, 0.5) / base50, p99 / base99,
            audited ? "≤ " + Report.number(APPEND_GOAL_MS) + " ms (p99)" : "", audited ? p99 <= APPEND_GOAL_MS ? "yes" : "**no**" : ""));
      }
      out.append(String.format(Locale.ROOT, "%nThe signed chain afterwards (`AuditLog.verify` with the public key): %s%n",
          switch (verified) {
            case dev.portcullis.server.audit.Verification.Verified v -> v.summary();
            case dev.portcullis.server.audit.Verification.Broken b -> "**broken**: " + b.summary();
          }));
    } finally {
      stores.values().forEach(Store::close);
    }
  }

  // --- 2. the image page of an image with 2,000 findings, server-side -------------------------------

  private void render() throws Exception {
    say("render: the stored result of a scan with " + FINDINGS + " findings, " + RENDER_WARMUP + " warm-up and " + RENDERS + " measured rounds");
    ImageStates.Stored stored = ServerData.stored(FINDINGS, 0, SCANNED);
    String digest = "sha256:" + HexFormat.of().formatHex(digest("bench-image-0"));
    ViewContext ctx = new ViewContext(Identity.user("bench-dev", List.of(Grant.parse("developer:**")), "127.0.0.1"), csrf());
    long at = SCANNED.toEpochMilli();
    String summary = "deny at dev: score 35 (F), 2 critical vulnerabilities with a fix";
    List<ImagePage.Placement> placements = List.of(new ImagePage.Placement(ServerData.REGISTRY, "team-00/service-0000", "quarantined", 35, summary,
        at - 60_000, at, List.of("team-00/service-0000:1.0.0"), List.of(new ImagePage.Transition(null, "pending", "registry-events:dev",
            "pushed (registry event)", at - 60_000), new ImagePage.Transition("pending", "scanning", "scanner", "scan started", at - 58_000),
            new ImagePage.Transition("scanning", "quarantined", "scanner", summary, at))));
    List<Double> read = new ArrayList<>();
    List<Double> page = new ArrayList<>();
    List<Double> total = new ArrayList<>();
    List<Double> parse = new ArrayList<>();
    int html = 0;
    int shown = 0;
    Path tsv = results.resolve("api-render.tsv");
    try (BufferedWriter w = Files.newBufferedWriter(tsv)) {
      w.write("round\tside\tread_ms\trender_ms\ttotal_ms\n");
      for (int r = 1 - RENDER_WARMUP; r <= RENDERS; r++) {
        boolean parseFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == parseFirst) {
            long t0 = System.nanoTime();
            JsonNode a = JSON.readTree(stored.assessment());
            JsonNode k2 = JSON.readTree(stored.risk());
            JsonNode d = JSON.readTree(stored.decisions());
            long t1 = System.nanoTime();
            sink += a.size() + k2.size() + d.size();
            if (r > 0) {
              parse.add((t1 - t0) / 1e6);
              w.write(String.format(Locale.ROOT, "%d\tparse\t\t\t%.3f%n", r, (t1 - t0) / 1e6));
            }
          } else {
            long t0 = System.nanoTime();
            StoredAssessment a = StoredAssessment.read(stored, "2026-11-30T00:00:00Z");
            long t1 = System.nanoTime();
            String h = ImagePage.render(ctx, new ImagePage.View(digest, placements, a, ImagePage.Filter.NONE));
            long t2 = System.nanoTime();
            sink += h.length();
            html = h.length();
            shown = a.findings().size();
            if (r > 0) {
              read.add((t1 - t0) / 1e6);
              page.add((t2 - t1) / 1e6);
              total.add((t2 - t0) / 1e6);
              w.write(String.format(Locale.ROOT, "%d\tpage\t%.3f\t%.3f\t%.3f%n", r, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6));
            }
          }
        }
      }
    }
    if (shown != FINDINGS) {
      throw new IOException("the stored result shows " + shown + " findings, not " + FINDINGS);
    }
    double p99 = ServerBench.percentile(total, 0.99);
    double parse50 = ServerBench.percentile(parse, 0.5);
    double parse99 = ServerBench.percentile(parse, 0.99);
    out.append(String.format(Locale.ROOT, "%n| Image page of an image with %,d findings (stored JSON: assessment %s, risk report %s, decisions %s; page %s of HTML), "
        + "as a developer, in one JVM, %d rounds after %d | p50 | p99 | Max | p50 / baseline | p99 / baseline | Goal | Met |%n"
        + "|---|---:|---:|---:|---:|---:|---|---|%n", FINDINGS, kib(stored.assessment()), kib(stored.risk()), kib(stored.decisions()),
        String.format(Locale.ROOT, "%.0f KiB", html / 1024.0), RENDERS, RENDER_WARMUP));
    out.append(renderRow("**baseline**: Jackson `readTree` of the three stored JSON documents alone", parse, parse50, parse99, ""));
    out.append(renderRow("`StoredAssessment.read` (parse and pick out what the page shows)", read, parse50, parse99, ""));
    out.append(renderRow("`ImagePage.render` (the HTML, every finding a row with its exception link)", page, parse50, parse99, ""));
    out.append(renderRow("both: the page server-side", total, parse50, parse99, "≤ " + Report.number(RENDER_GOAL_MS) + " ms (p99) | "
        + (p99 <= RENDER_GOAL_MS ? "yes" : "**no**")));
  }

  private static String renderRow(String what, List<Double> v, double base50, double base99, String goal) {
    double p50 = ServerBench.percentile(v, 0.5);
    double p99 = ServerBench.percentile(v, 0.99);
    return String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.2f× | %.2f× | %s |%n", what, p50, p99, max(v), p50 / base50, p99 / base99,
        goal.isEmpty() ? " | " : goal);
  }

  private static String kib(String s) {
    return String.format(Locale.ROOT, "%.0f KiB", s.getBytes(StandardCharsets.UTF_8).length / 1024.0);
  }

  private static String csrf() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // --- 3. the API under load: 1,000 stored images, 50 clients ------------------------------------------

  /** One kind of request the clients send: {@code request} makes the n-th one, which must answer {@code expect}. */
  private record Side(String name, String label, IntFunction<HttpRequest> request, int expect) {}

  private void api() throws Exception {
    Path dir = work.resolve("server");
    Dirs.deleteTree(dir);
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    say("api: seeding " + IMAGES + " decided images into " + data);
    long t0 = System.nanoTime();
    List<ServerData.Seeded> seeded = ServerData.seed(data, IMAGES, ServerData.version(vulnDb), ServerData.stored(FINDINGS, 0, SCANNED),
        ServerData.stored(40, 1, SCANNED));
    double seedSeconds = (System.nanoTime() - t0) / 1e9;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    try (RegistryProcess registry = RegistryProcess.start()) {
      int port = RegistryProcess.freePort();
      Path key = keyPair(dir);
      String yaml = "listen: 127.0.0.1:" + port + "\n"
          + "data: " + data + "\n"
          + "workers: 1\n"
          + "vulnerabilityDatabase: " + vulnDb + "\n"
          + "signatureGrace: 0s\n"
          + "sweepInterval: 0\n"
          + "signing:\n  key: " + key + "\n"
          + "registries:\n  - name: " + ServerData.REGISTRY + "\n    url: " + registry.url() + "\n    stage: dev\n"
          + ServerProcess.authYaml(dir);
      Path config = dir.resolve("server.yaml");
      Files.writeString(config, yaml);
      try (ServerProcess server = ServerProcess.start(java, javaOptions, jar, config, port, results.resolve("server-api.log"), http)) {
        String developer = server.token("bench-developer", List.of("developer:**"));
        HttpResponse<String> all = http.send(bearer(server, "/v1/images?limit=1000", developer).build(), HttpResponse.BodyHandlers.ofString());
        int listed = all.statusCode() == 200 ? JSON.readTree(all.body()).path("images").size() : -1;
        if (listed != IMAGES) {
          throw new IOException("GET /v1/images?limit=1000 listed " + listed + " images, not the " + IMAGES + " seeded: " + all.statusCode());
        }
        String expires = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
        List<Side> sides = List.of(
            new Side("healthz", "**baseline**: `GET /healthz` (no token, no database)", n -> HttpRequest.newBuilder(server.api("/healthz"))
                .timeout(Duration.ofSeconds(60)).build(), 200),
            new Side("images", "`GET /v1/images?limit=1000` (all 1,000 images, " + kib(all.body()) + " of JSON)",
                n -> bearer(server, "/v1/images?limit=1000", developer).build(), 200),
            new Side("images100", "`GET /v1/images` (the default page: the 100 most recently changed)", n -> bearer(server, "/v1/images", developer)
                .build(), 200),
            new Side("exception", "`POST /v1/exceptions` (a new exception request: two audit records, `exception.request` and `requestException`)",
                n -> bearer(server, "/v1/exceptions", developer).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("finding", "CVE-2024-" + (10000 + n)).put("image", "team-" + String.format(Locale.ROOT, "%02d", n % 20)
                        + "/**").put("justification", "not reachable: the service never parses untrusted XML").put("expires", expires).toString()))
                    .build(), 201));
        load(server, http, sides);
        page(server, http, seeded.get(0).digest());
      }
    }
    out.append(String.format(Locale.ROOT, "%nSeeding the %,d images (through `ImageStates`, with their state changes, stored results and audit records, "
        + "before the server starts) took %.1f s.%n", IMAGES, seedSeconds));
  }

  private static HttpRequest.Builder bearer(ServerProcess server, String path, String token) {
    return HttpRequest.newBuilder(server.api(path)).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token);
  }

  /** What one side's round gave: every latency (ms), the wall time (s) and the server's CPU (s). */
  private record Round(double[] latencies, double wall, double cpu) {}

  private void load(ServerProcess server, HttpClient http, List<Side> sides) throws Exception {
    int perRound = CLIENTS * REQUESTS_PER_CLIENT;
    say("api: " + CLIENTS + " clients x " + REQUESTS_PER_CLIENT + " requests per side, " + LOAD_WARMUP + " warm-up and " + runs + " rounds, sides "
        + String.join(", ", sides.stream().map(Side::name).toList()));
    Map<String, List<Double>> all = new LinkedHashMap<>();
    Map<String, List<Double>> p50 = new LinkedHashMap<>();
    Map<String, List<Double>> p99 = new LinkedHashMap<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Map<String, List<Double>> ratio50 = new LinkedHashMap<>();
    Map<String, List<Double>> ratio99 = new LinkedHashMap<>();
    AtomicLong sequence = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (BufferedWriter w = Files.newBufferedWriter(results.resolve("api-load.tsv"))) {
      w.write("side\tround\tclient\tn\tms\n");
      for (int r = 1 - LOAD_WARMUP; r <= runs; r++) {
        List<Side> order = r % 2 == 0 ? sides.reversed() : sides;
        Map<String, Round> round = new LinkedHashMap<>();
        for (Side side : order) {
          if (r > 0) {
            say("api: round " + r + "/" + runs + ", " + side.name());
          }
          Round done = round(server, http, side, clients, sequence);
          round.put(side.name(), done);
          if (r > 0) {
            for (int i = 0; i < done.latencies().length; i++) {
              w.write(String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%.3f%n", side.name(), r, i / REQUESTS_PER_CLIENT, i % REQUESTS_PER_CLIENT,
                  done.latencies()[i]));
            }
          }
        }
        if (r <= 0) {
          continue;
        }
        double[] base = round.get("healthz").latencies();
        for (Side side : sides) {
          Round d = round.get(side.name());
          List<Double> v = Arrays.stream(d.latencies()).boxed().toList();
          all.computeIfAbsent(side.name(), x -> new ArrayList<>()).addAll(v);
          p50.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(ServerBench.percentile(v, 0.5));
          p99.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(ServerBench.percentile(v, 0.99));
          rate.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(perRound / d.wall());
          cpu.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(d.cpu() * 1000 / perRound);
          List<Double> b = Arrays.stream(base).boxed().toList();
          ratio50.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(ServerBench.percentile(v, 0.5) / ServerBench.percentile(b, 0.5));
          ratio99.computeIfAbsent(side.name(), x -> new ArrayList<>()).add(ServerBench.percentile(v, 0.99) / ServerBench.percentile(b, 0.99));
        }
      }
    } finally {
      clients.shutdownNow();
    }
    out.append(String.format(Locale.ROOT, "%n| %d concurrent clients on loopback, each sending %d requests one after the other, per side and round; %d rounds after %d, "
        + "alternating; %,d images stored; token of role `developer` | p50 | p99 | Max | Requests/s (median) | Server CPU per request (median) "
        + "| p50 / `healthz` (median of rounds) | p99 / `healthz` (median of rounds) |%n|---|---:|---:|---:|---:|---:|---:|---:|%n", CLIENTS,
        REQUESTS_PER_CLIENT, runs, LOAD_WARMUP, IMAGES));
    for (Side side : sides) {
      List<Double> v = all.get(side.name());
      out.append(String.format(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %.1f ms | %.0f | %.2f ms | %.2f× | %.2f× |%n", side.label(),
          ServerBench.percentile(v, 0.5), ServerBench.percentile(v, 0.99), max(v), Report.median(rate.get(side.name())).getAsDouble(),
          Report.median(cpu.get(side.name())).getAsDouble(), Report.median(ratio50.get(side.name())).getAsDouble(),
          Report.median(ratio99.get(side.name())).getAsDouble()));
    }
    out.append(String.format(Locale.ROOT, "%nPer round, p50 / p99 in ms: %s.%n", String.join("; ", sides.stream().map(s -> "`" + s.name() + "` "
        + String.join(", ", IntStream.range(0, p50.get(s.name()).size()).mapToObj(i -> String.format(Locale.ROOT, "%.2f/%.1f",
            p50.get(s.name()).get(i), p99.get(s.name()).get(i))).toList())).toList())));
  }

  /** {@link #CLIENTS} clients send {@link #REQUESTS_PER_CLIENT} requests each, released at once; fails on any other status than the side's. */
  private Round round(ServerProcess server, HttpClient http, Side side, ExecutorService clients, AtomicLong sequence) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<double[]>> futures = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      futures.add(clients.submit(() -> {
        double[] ms = new double[REQUESTS_PER_CLIENT];
        start.await();
        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
          HttpRequest request = side.request().apply((int) sequence.incrementAndGet());
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          ms[i] = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != side.expect()) {
            throw new IOException(request.method() + " " + request.uri().getPath() + ": " + r.statusCode() + " (expected " + side.expect() + ") "
                + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
          }
        }
        return ms;
      }));
    }
    double cpu0 = server.cpuSeconds();
    long t0 = System.nanoTime();
    start.countDown();
    double[] all = new double[CLIENTS * REQUESTS_PER_CLIENT];
    for (int c = 0; c < CLIENTS; c++) {
      try {
        System.arraycopy(futures.get(c).get(), 0, all, c * REQUESTS_PER_CLIENT, REQUESTS_PER_CLIENT);
      } catch (ExecutionException e) {
        futures.forEach(f -> f.cancel(true));
        throw new IOException(side.name() + ": " + e.getCause().getMessage() + "; server log:\n" + server.tail(), e.getCause());
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    return new Round(all, wall, server.cpuSeconds() - cpu0);
  }

  /** The dashboard's image page of the image with 2,000 findings, served over HTTP to one signed-in developer, one request at a time. */
  private void page(ServerProcess server, HttpClient http, String digest) throws Exception {
    String password = csrf();
    server.createUser("bench-dev", password, List.of("developer:**"));
    ServerProcess.Session session = server.login("bench-dev", password);
    say("api: GET /ui/images/{digest} of the image with " + FINDINGS + " findings, " + PAGE_WARMUP + " warm-up and " + PAGES + " measured, one client");
    List<Double> page = new ArrayList<>();
    List<Double> health = new ArrayList<>();
    int bytes = 0;
    try (BufferedWriter w = Files.newBufferedWriter(results.resolve("api-page.tsv"))) {
      w.write("n\tside\tms\n");
      for (int i = 1 - PAGE_WARMUP; i <= PAGES; i++) {
        for (int k = 0; k < 2; k++) {
          boolean isPage = (k == 0) == (i % 2 == 0);
          HttpRequest request = isPage ? server.as(session, "/ui/images/" + digest).build()
              : HttpRequest.newBuilder(server.api("/healthz")).timeout(Duration.ofSeconds(60)).build();
          long t0 = System.nanoTime();
          HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          double ms = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200) {
            throw new IOException("GET " + request.uri().getPath() + ": " + r.statusCode() + " " + new String(r.body(), 0, Math.min(300, r.body().length),
                StandardCharsets.UTF_8));
          }
          if (isPage) {
            bytes = r.body().length;
          }
          if (i > 0) {
            (isPage ? page : health).add(ms);
            w.write(String.format(Locale.ROOT, "%d\t%s\t%.3f%n", i, isPage ? "page" : "healthz", ms));
          }
        }
      }
    }
    out.append(String.format(Locale.ROOT, "%n| One client, one request at a time, %d after %d, alternating | p50 | p99 | Max | Goal | Met |%n|---|---:|---:|---:|---|---|%n",
        PAGES, PAGE_WARMUP));
    out.append(String.format(Locale.ROOT, "| `GET /healthz` (for scale) | %.2f ms | %.2f ms | %.2f ms | | |%n", ServerBench.percentile(health, 0.5),
        ServerBench.percentile(health, 0.99), max(health)));
    double p99 = ServerBench.percentile(page, 0.99);
    out.append(String.format(Locale.ROOT, "| `GET /ui/images/{digest}`, the image with %,d findings, as a signed-in developer (%.0f KiB of HTML): session, "
        + "the image's rows and stored result read from the database, read, rendered, sent | %.1f ms | %.1f ms | %.1f ms | ≤ %s ms (p99) | %s |%n",
        FINDINGS, bytes / 1024.0, ServerBench.percentile(page, 0.5), p99, max(page), Report.number(RENDER_GOAL_MS),
        p99 <= RENDER_GOAL_MS ? "yes" : "**no**"));
  }

  // --- the pieces ------------------------------------------------------------------------------------

  private static Path keyPair(Path dir) throws IOException {
    Path k = dir.resolve("server.key");
    if (!Files.exists(k)) {
      PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), Passphrase.empty(), KeyFormat.DEFAULT, k, dir.resolve("server.pub"));
    }
    return k;
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static void say(String line) {
    System.err.println("bench: " + line);
  }
}
