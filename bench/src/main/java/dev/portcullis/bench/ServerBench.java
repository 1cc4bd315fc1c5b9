package dev.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.sign.key.KeyFormat;
import dev.portcullis.sign.key.Passphrase;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.DebootstrapWithPackages;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.RegistryProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group {@code server} of {@code bench/run}: {@code portcullis server} (a child JVM, see {@link
 * ServerProcess}) in front of real {@code docker-registry} processes, driven with real {@code
 * skopeo}. Measures, side by side in one run:
 *
 * <ol>
 *   <li>push-to-decision latency over {@value #PUSHES} pushes of images that share a warm base
 *       layer, one push at a time: from the moment {@code skopeo copy} returns to the decided
 *       transition's time as the server stored it ({@code GET /v1/images/{digest}});
 *   <li>throughput: {@value #QUEUED} images found at once by the sweep of a fresh server, one
 *       worker against two, rounds alternating;
 *   <li>{@code skopeo copy} of the debootstrap image through the pull gate against directly from
 *       the registry, alternating; and the gate's RSS growth while a 1 GiB image of random layers
 *       is pulled through it.
 * </ol>
 *
 * <p>Usage: {@code ServerBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]}: a scratch
 * directory (tmpfs), the JDK's {@code java}, {@code portcullis.jar}, a vulnerability database,
 * the rounds, the directory for the raw samples ({@code server-*.tsv}) and the servers' logs
 * ({@code server-*.log}); the options are the server JVM's. Prints the Markdown tables.
 */
public final class ServerBench {
  static final int PUSHES = 50;
  static final int WARMUP_PUSHES = 3;
  static final int QUEUED = 40;
  static final Duration POLL = Duration.ofMillis(20);
  static final double LATENCY_GOAL_S = 2.0;
  static final double GATE_GOAL = 1.10;
  /** Untimed rounds of gate pulls first: the server is long-lived, and its first pulls pay the proxy's JIT compilation. */
  static final int GATE_WARMUP = 2;
  static final double RSS_GOAL_MIB = 128;
  /** The 1 GiB image: 4 layers of 4 files of 64 MiB. */
  static final int BIG_LAYERS = 4;
  static final int BIG_FILES = 4;
  static final long BIG_FILE_BYTES = 64L << 20;
  /** The packages DebianScanIT and the catalog tests add to the debootstrap image (the image is cached under that list). */
  static final List<String> DEBIAN_EXTRA = List.of("libjackson2-databind-java", "python3-requests", "python3-yaml", "skopeo");
  private static final List<String> DECIDED = List.of("passed", "warned", "quarantined");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path work;
  private final Path java;
  private final Path jar;
  private final Path vulnDb;
  private final int runs;
  private final Path results;
  private final List<String> javaOptions;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StringBuilder out = new StringBuilder();
  private Path key = Path.of("");

  private ServerBench(Path work, Path java, Path jar, Path vulnDb, int runs, Path results, List<String> javaOptions) {
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
      System.err.println("usage: ServerBench WORK JAVA JAR VULN_DB RUNS RESULTS [JAVA_OPTION...]");
      System.exit(2);
    }
    ServerBench b = new ServerBench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]),
        Path.of(args[5]), List.of(Arrays.copyOfRange(args, 6, args.length)));
    b.run();
    System.out.print(b.out);
  }

  private void run() throws Exception {
    Files.createDirectories(work);
    key = keyPair();
    say("building " + (WARMUP_PUSHES + PUSHES) + " application images on a shared base from " + Debootstrap.rootfs());
    byte[] base = ServerImages.baseLayer(Debootstrap.rootfs());
    List<ServerImages.Built> apps = new ArrayList<>();
    for (int i = 1; i <= WARMUP_PUSHES + PUSHES; i++) {
      apps.add(ServerImages.app(work.resolve("images"), base, String.format(Locale.ROOT, "app-%02d", i)));
    }
    out.append(String.format(Locale.ROOT, "%nShared base layer: %.1f MiB uncompressed, from the debootstrap root (`etc`, the dpkg status, binaries).%n",
        base.length / 1048576.0));
    Path deb = DebootstrapWithPackages.of(DEBIAN_EXTRA).layout();
    latencyAndGate(apps, deb);
    throughput(apps.subList(WARMUP_PUSHES, WARMUP_PUSHES + QUEUED));
    gateMemory(apps.get(0));
  }

  // --- 1 and 3a: one server with a gate in front of a registry that notifies it ------------------

  private void latencyAndGate(List<ServerImages.Built> apps, Path deb) throws Exception {
    int api = RegistryProcess.freePort();
    int gate = RegistryProcess.freePort();
    try (RegistryProcess registry = RegistryProcess.start(RegistryProcess.Options.plain()
        .withNotifications("http://127.0.0.1:" + api + "/v1/notifications/dev", null))) {
      Path config = config("latency", api, registry, 2, "0s", Optional.of(gate), "[unscanned, failed]", true);
      try (ServerProcess server = ServerProcess.start(java, javaOptions, jar, config, api, results.resolve("server-latency.log"), http)) {
        latency(server, registry, apps);
        gatePulls(server, registry, gate, deb);
      }
    }
  }

  private record Push(int n, String digest, double pushed, double pending, double scanning, double decided, double observed, String state) {}

  private void latency(ServerProcess server, RegistryProcess registry, List<ServerImages.Built> apps) throws Exception {
    say("latency: " + WARMUP_PUSHES + " warm-up pushes, then " + PUSHES + " measured, one at a time");
    List<Push> pushes = new ArrayList<>();
    Path tsv = results.resolve("server-latency.tsv");
    Files.writeString(tsv, "n\tdigest\tpushed_ms\tpending_ms\tscanning_ms\tdecided_ms\tobserved_ms\tstate\n");
    for (int i = 0; i < apps.size(); i++) {
      String tag = String.format(Locale.ROOT, "%02d", i + 1);
      skopeo(List.of("--dest-tls-verify=false"), "oci:" + apps.get(i).layout() + ":app", "docker://" + registry.host() + "/app:" + tag);
      double pushed = millis(Instant.now());
      String digest = digest(registry, "app", tag);
      JsonNode entry = decided(server, digest, Duration.ofMinutes(2));
      double observed = millis(Instant.now());
      Push p = new Push(i + 1 - WARMUP_PUSHES, digest, pushed, at(entry, "pending", true), at(entry, "scanning", false),
          at(entry, entry.get("image").get("state").asText(), false), observed, entry.get("image").get("state").asText());
      Files.writeString(tsv, String.format(Locale.ROOT, "%d\t%s\t%.3f\t%.0f\t%.0f\t%.0f\t%.3f\t%s%n", p.n(), p.digest(), p.pushed(), p.pending(),
          p.scanning(), p.decided(), p.observed(), p.state()), StandardOpenOption.APPEND);
      if (p.n() > 0) {
        pushes.add(p);
      }
    }
    List<Double> latency = pushes.stream().map(p -> (p.decided() - p.pushed()) / 1000).toList();
    List<Double> polled = pushes.stream().map(p -> (p.observed() - p.pushed()) / 1000).toList();
    List<Double> event = pushes.stream().map(p -> (p.pending() - p.pushed()) / 1000).toList();
    List<Double> queue = pushes.stream().map(p -> (p.scanning() - p.pending()) / 1000).toList();
    List<Double> scan = pushes.stream().map(p -> (p.decided() - p.scanning()) / 1000).toList();
    Map<String, Long> states = new LinkedHashMap<>();
    pushes.forEach(p -> states.merge(p.state(), 1L, Long::sum));
    double p99 = percentile(latency, 0.99);
    out.append("\n| Push to decision, ").append(PUSHES).append(" pushes one at a time, warm base (decisions: ").append(describe(states))
        .append(") | p50 | p99 | Max | Goal | Met |\n|---|---:|---:|---:|---|---|\n");
    out.append(row("`skopeo copy` returned → decided transition (server's clock)", latency, "≤ " + Report.number(LATENCY_GOAL_S) + " s (p99)",
        p99 <= LATENCY_GOAL_S ? "yes" : "**no**"));
    out.append(row("… seen by polling `GET /v1/images/{digest}` every " + POLL.toMillis() + " ms", polled, "", ""));
    out.append(row("of which: push returned → `pending` (the registry's event received)", event, "", ""));
    out.append(row("of which: `pending` → `scanning` (a worker claimed the job)", queue, "", ""));
    out.append(row("of which: `scanning` → decided (scan, policy, verdict and SBOM attestations pushed, stored)", scan, "", ""));
  }

  private static String describe(Map<String, Long> states) {
    return String.join(", ", states.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
  }

  private static String row(String what, List<Double> seconds, String goal, String met) {
    return String.format(Locale.ROOT, "| %s | %.3f s | %.3f s | %.3f s | %s | %s |%n", what, percentile(seconds, 0.5), percentile(seconds, 0.99),
        seconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), goal, met);
  }

  /** Nearest rank: of 50 samples, p50 is the 25th smallest and p99 the 50th (the largest). */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  private void gatePulls(ServerProcess server, RegistryProcess registry, int gatePort, Path deb) throws Exception {
    say("gate: pushing the debootstrap image with packages and waiting for its decision");
    skopeo(List.of("--dest-tls-verify=false"), "oci:" + deb + ":" + Debootstrap.TAG, "docker://" + registry.host() + "/deb:1");
    String digest = digest(registry, "deb", "1");
    JsonNode entry = decided(server, digest, Duration.ofMinutes(10));
    String state = entry.get("image").get("state").asText();
    if (state.equals("quarantined")) {
      throw new IOException("the debootstrap image was quarantined, so the gate refuses it: " + entry.get("image").get("summary").asText());
    }
    Map<String, String> sides = new LinkedHashMap<>();
    sides.put("direct", "docker://" + registry.host() + "/deb:1");
    sides.put("gate", "docker://127.0.0.1:" + gatePort + "/deb:1");
    // the physical floor of any proxy here: socat copying bytes between two sockets, nothing else
    Process relay = null;
    if (onPath("socat")) {
      int relayPort = RegistryProcess.freePort();
      relay = new ProcessBuilder("socat", "-b", "262144", "TCP-LISTEN:" + relayPort + ",fork,reuseaddr,bind=127.0.0.1", "TCP:" + registry.host())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Thread.sleep(500);
      sides.put("relay", "docker://127.0.0.1:" + relayPort + "/deb:1");
    } else {
      say("gate: socat is not installed (apt-get install socat): the bare-relay baseline is left out");
    }
    try {
      pullRounds(server, deb, state, sides);
    } finally {
      if (relay != null) {
        relay.destroyForcibly();
      }
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private void pullRounds(ServerProcess server, Path deb, String state, Map<String, String> sides) throws Exception {
    Path pulled = work.resolve("pulled");
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    List<Double> ratios = new ArrayList<>();
    Path tsv = results.resolve("server-gate.tsv");
    Files.writeString(tsv, "side\tround\tseconds\tserver_cpu_seconds\n");
    say("gate: skopeo copy of the debootstrap image, direct and through the gate, " + GATE_WARMUP + " warm-up and " + runs + " rounds");
    for (int r = 1 - GATE_WARMUP; r <= runs; r++) {
      List<String> order = new ArrayList<>(sides.keySet());
      if (r % 2 == 0) {
        order = order.reversed();
      }
      Map<String, Double> round = new LinkedHashMap<>();
      for (String side : order) {
        Dirs.deleteTree(pulled);
        double cpu0 = server.cpuSeconds();
        long t0 = System.nanoTime();
        skopeo(List.of("--src-tls-verify=false"), sides.get(side), "oci:" + pulled + ":deb");
        double s = (System.nanoTime() - t0) / 1e9;
        double c = server.cpuSeconds() - cpu0;
        Dirs.deleteTree(pulled);
        round.put(side, s);
        Files.writeString(tsv, String.format(Locale.ROOT, "%s\t%d\t%.6f\t%.2f%n", side, r, s, c), StandardOpenOption.APPEND);
        if (r > 0) {
          cpu.computeIfAbsent(side, x -> new ArrayList<>()).add(c);
        }
      }
      if (r > 0) {
        round.forEach((k, v) -> seconds.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        ratios.add(round.get("gate") / round.get("direct"));
      }
    }
    double direct = Report.median(seconds.get("direct")).getAsDouble();
    double gate = Report.median(seconds.get("gate")).getAsDouble();
    double ratio = gate / direct;
    out.append(String.format(Locale.ROOT, "%n| `skopeo copy` of the debootstrap image with packages (%s, %s) to `oci:` on tmpfs | Runs | Median | Min | Max | Server CPU (median) |%n"
        + "|---|---:|---:|---:|---:|---:|%n", blobMiB(deb), state));
    for (var e : seconds.entrySet()) {
      List<Double> v = e.getValue();
      String label = switch (e.getKey()) {
        case "gate" -> "through the pull gate (`docker://127.0.0.1:GATE/deb:1`)";
        case "relay" -> "through `socat`, a bare TCP relay to the registry (the floor of any proxy)";
        default -> "directly from the registry (`docker://127.0.0.1:REGISTRY/deb:1`)";
      };
      out.append(String.format(Locale.ROOT, "| %s | %d | %.3f s | %.3f s | %.3f s | %.2f s |%n", label,
          v.size(), Report.median(v).getAsDouble(), min(v), max(v), Report.median(cpu.get(e.getKey())).getAsDouble()));
    }
    out.append(String.format(Locale.ROOT, "%n| Gate / direct | Ratio of medians | Median of per-round ratios | Goal | Met |%n|---|---:|---:|---|---|%n"
        + "| `skopeo copy` of the debootstrap image | %.3f× | %.3f× | ≤ %s× | %s |%n", ratio, Report.median(ratios).getAsDouble(),
        Report.number(GATE_GOAL), ratio <= GATE_GOAL ? "yes" : "**no**"));
    if (seconds.containsKey("relay")) {
      double relayed = Report.median(seconds.get("relay")).getAsDouble();
      out.append(String.format(Locale.ROOT, "| `socat` relay / direct (the floor) | %.3f× | | | |%n| gate / `socat` relay | %.3f× | | | |%n",
          relayed / direct, gate / relayed));
    }
  }

  private static String blobMiB(Path layout) throws IOException {
    long bytes;
    try (var s = Files.list(layout.resolve("blobs/sha256"))) {
      bytes = s.mapToLong(p -> p.toFile().length()).sum();
    }
    return String.format(Locale.ROOT, "%.0f MiB of blobs", bytes / 1048576.0);
  }

  // --- 2: throughput, one worker against two ----------------------------------------------------

  private void throughput(List<ServerImages.Built> images) throws Exception {
    Path tsv = results.resolve("server-throughput.tsv");
    Files.writeString(tsv, "workers\tround\timages\tfirst_scanning_ms\tlast_decided_ms\tscans_per_minute\tserver_cpu_seconds\twall_seconds\n");
    Map<Integer, List<Double>> rates = new LinkedHashMap<>();
    Map<Integer, List<Double>> cpuPerScan = new LinkedHashMap<>();
    Map<Integer, List<Double>> busy = new LinkedHashMap<>();
    List<Double> ratios = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      List<Integer> order = r % 2 == 1 ? List.of(1, 2) : List.of(2, 1);
      Map<Integer, Double> round = new LinkedHashMap<>();
      for (int workers : order) {
        say("throughput: round " + r + "/" + runs + ", " + workers + " worker" + (workers == 1 ? "" : "s") + ", " + images.size() + " images");
        double[] span = queuedScans(images, workers, "throughput-" + r + "-" + workers);
        double rate = images.size() * 60_000 / (span[1] - span[0]);
        round.put(workers, rate);
        cpuPerScan.computeIfAbsent(workers, x -> new ArrayList<>()).add(span[2] / images.size());
        busy.computeIfAbsent(workers, x -> new ArrayList<>()).add(span[2] / span[3]);
        Files.writeString(tsv, String.format(Locale.ROOT, "%d\t%d\t%d\t%.0f\t%.0f\t%.2f\t%.2f\t%.3f%n", workers, r, images.size(), span[0], span[1],
            rate, span[2], span[3]), StandardOpenOption.APPEND);
      }
      round.forEach((k, v) -> rates.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      ratios.add(round.get(2) / round.get(1));
    }
    out.append(String.format(Locale.ROOT, "%n| %d images on the shared base, found at once by the sweep of a fresh server (`nproc` = %d) | Rounds | Scans per minute (median) | Min | Max "
        + "| Server CPU per scan (median) | Cores the server kept busy (median) |%n|---|---:|---:|---:|---:|---:|---:|%n", images.size(),
        Runtime.getRuntime().availableProcessors()));
    for (var e : rates.entrySet()) {
      List<Double> v = e.getValue();
      out.append(String.format(Locale.ROOT, "| `workers: %d` | %d | %.1f | %.1f | %.1f | %.3f s | %.2f |%n", e.getKey(), v.size(), Report.median(v).getAsDouble(),
          min(v), max(v), Report.median(cpuPerScan.get(e.getKey())).getAsDouble(), Report.median(busy.get(e.getKey())).getAsDouble()));
    }
    out.append(String.format(Locale.ROOT, "| two workers / one (median of per-round ratios) | %d | %.2f× | %.2f× | %.2f× | | |%n", ratios.size(),
        Report.median(ratios).getAsDouble(), min(ratios), max(ratios)));
  }

  /**
   * A fresh registry holding {@code images}, a fresh server that finds them by its sweep: the first
   * scanning and last decided times (epoch ms), and the server's CPU seconds and the wall seconds
   * from its readiness to the poll that saw the last decision.
   */
  private double[] queuedScans(List<ServerImages.Built> images, int workers, String name) throws Exception {
    try (RegistryProcess registry = RegistryProcess.start()) {
      List<String> digests = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        String tag = String.format(Locale.ROOT, "%02d", i + 1);
        skopeo(List.of("--dest-tls-verify=false"), "oci:" + images.get(i).layout() + ":app", "docker://" + registry.host() + "/app:" + tag);
        digests.add(digest(registry, "app", tag));
      }
      int api = RegistryProcess.freePort();
      Path config = config(name, api, registry, workers, "0s", Optional.empty(), "", true);
      try (ServerProcess server = ServerProcess.start(java, javaOptions, jar, config, api, results.resolve("server-" + name + ".log"), http)) {
        double cpu0 = server.cpuSeconds();
        long wall0 = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (true) {
          JsonNode list = get(server, "/v1/images?limit=1000");
          long done = 0;
          for (JsonNode i : list.get("images")) {
            done += DECIDED.contains(i.get("state").asText()) ? 1 : 0;
          }
          if (done >= images.size()) {
            break;
          }
          if (System.nanoTime() > deadline || !server.alive()) {
            throw new IOException(name + ": only " + done + " of " + images.size() + " images decided; server log:\n" + server.tail());
          }
          Thread.sleep(100);
        }
        double cpu = server.cpuSeconds() - cpu0;
        double wall = (System.nanoTime() - wall0) / 1e9;
        double first = Double.MAX_VALUE;
        double last = 0;
        for (String d : digests) {
          JsonNode entry = get(server, "/v1/images/" + d).get("registries").get(0);
          first = Math.min(first, at(entry, "scanning", true));
          last = Math.max(last, at(entry, entry.get("image").get("state").asText(), false));
        }
        return new double[] {first, last, cpu, wall};
      }
    }
  }

  // --- 3b: the gate's RSS while a 1 GiB image streams through it ----------------------------------

  private void gateMemory(ServerImages.Built small) throws Exception {
    try (RegistryProcess registry = RegistryProcess.start()) {
      Path layout = work.resolve("big");
      say("gate memory: generating a 1 GiB image of random layers and pushing it to the registry");
      ServerImages.Built big = ServerImages.random(layout, BIG_LAYERS, BIG_FILES, BIG_FILE_BYTES, 13);
      String bigSize = blobMiB(layout);
      skopeo(List.of("--dest-tls-verify=false"), "oci:" + layout + ":big", "docker://" + registry.host() + "/big/random:1");
      Dirs.deleteTree(layout);
      skopeo(List.of("--dest-tls-verify=false"), "oci:" + small.layout() + ":app", "docker://" + registry.host() + "/app:1");
      int api = RegistryProcess.freePort();
      int gatePort = RegistryProcess.freePort();
      // a grace of an hour keeps both images pending (no scan runs beside the pulls), and block: [failed] lets pending images through
      Path config = config("memory", api, registry, 1, "1h", Optional.of(gatePort), "[failed]", false);
      try (ServerProcess server = ServerProcess.start(java, javaOptions, jar, config, api, results.resolve("server-memory.log"), http)) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (get(server, "/v1/images?limit=10").get("images").size() < 2) {
          if (System.nanoTime() > deadline) {
            throw new IOException("gate memory: the sweep did not record both images; server log:\n" + server.tail());
          }
          Thread.sleep(100);
        }
        String gate = "docker://127.0.0.1:" + gatePort;
        Path pulled = work.resolve("pulled");
        for (int i = 0; i < 2; i++) {
          Dirs.deleteTree(pulled);
          skopeo(List.of("--src-tls-verify=false"), gate + "/app:1", "oci:" + pulled + ":app");
        }
        Dirs.deleteTree(pulled);
        Path tsv = results.resolve("server-gate-memory.tsv");
        Files.writeString(tsv, "pull\tseconds\tserver_cpu_seconds\trss_before_kib\trss_after_kib\tpeak_kib\tsampled_peak_kib\n");
        out.append(String.format(Locale.ROOT, "%n| Pull of a 1 GiB image of random layers (%s, %d layers) to `oci:` on tmpfs; server JVM `%s` | Time | Server CPU | RSS before | RSS after | Peak during | Growth | Goal | Met |%n"
            + "|---|---:|---:|---:|---:|---:|---:|---|---|%n", bigSize, BIG_LAYERS, String.join(" ", javaOptions)));
        long firstBefore = -1;
        for (String side : List.of("gate", "direct", "gate")) {
          ServerProcess.Rss before = server.rss();
          firstBefore = firstBefore < 0 ? before.rssKib() : firstBefore;
          server.resetPeak();
          AtomicLong sampled = new AtomicLong(before.rssKib());
          Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
              try {
                sampled.accumulateAndGet(server.rss().rssKib(), Math::max);
                Thread.sleep(10);
              } catch (IOException | InterruptedException e) {
                return;
              }
            }
          });
          double cpu0 = server.cpuSeconds();
          long t0 = System.nanoTime();
          skopeo(List.of("--src-tls-verify=false"), (side.equals("gate") ? gate : "docker://" + registry.host()) + "/big/random:1",
              "oci:" + pulled + ":big");
          double s = (System.nanoTime() - t0) / 1e9;
          double c = server.cpuSeconds() - cpu0;
          sampler.interrupt();
          sampler.join();
          ServerProcess.Rss after = server.rss();
          Dirs.deleteTree(pulled);
          long peak = Math.max(after.peakKib(), sampled.get());
          Files.writeString(tsv, String.format(Locale.ROOT, "%s\t%.3f\t%.2f\t%d\t%d\t%d\t%d%n", side, s, c, before.rssKib(), after.rssKib(), after.peakKib(), sampled.get()),
              StandardOpenOption.APPEND);
          double growth = (peak - before.rssKib()) / 1024.0;
          boolean isGate = side.equals("gate");
          out.append(String.format(Locale.ROOT, "| %s | %.2f s | %.2f s | %.0f MiB | %.0f MiB | %.0f MiB | %.0f MiB | %s | %s |%n",
              isGate ? "through the pull gate" : "directly from the registry (the server idle, for scale)", s, c, before.rssKib() / 1024.0,
              after.rssKib() / 1024.0, peak / 1024.0, growth, isGate ? "≤ " + Report.number(RSS_GOAL_MIB) + " MiB" : "",
              isGate ? growth <= RSS_GOAL_MIB ? "yes" : "**no**" : ""));
        }
        out.append(String.format(Locale.ROOT, "%nGrowth over the RSS before the first pull, after all three: %.0f MiB.%n",
            (server.rss().rssKib() - firstBefore) / 1024.0));
      }
    }
  }

  // --- the pieces ---------------------------------------------------------------------------------

  private Path keyPair() throws IOException {
    Path dir = Files.createDirectories(work.resolve("keys"));
    Path k = dir.resolve("server.key");
    if (!Files.exists(k)) {
      PrivateKeys.writeKeyPair(PrivateKeys.generateP256(), Passphrase.empty(), KeyFormat.DEFAULT, k, dir.resolve("server.pub"));
    }
    return k;
  }

  private Path config(String name, int api, RegistryProcess registry, int workers, String grace, Optional<Integer> gate, String block,
      boolean signing) throws IOException {
    Path dir = work.resolve(name);
    Dirs.deleteTree(dir);
    Files.createDirectories(dir);
    StringBuilder yaml = new StringBuilder();
    yaml.append("listen: 127.0.0.1:").append(api).append('\n')
        .append("data: ").append(dir.resolve("data")).append('\n')
        .append("workers: ").append(workers).append('\n')
        .append("vulnerabilityDatabase: ").append(vulnDb).append('\n')
        .append("signatureGrace: ").append(grace).append('\n')
        .append("sweepInterval: 0\n")
        .append(ServerProcess.authYaml(dir));
    if (signing) {
      yaml.append("signing:\n  key: ").append(key).append('\n');
    }
    yaml.append("registries:\n  - name: dev\n    url: ").append(registry.url()).append("\n    stage: dev\n");
    if (gate.isPresent()) {
      yaml.append("    gate:\n      listen: 127.0.0.1:").append(gate.get()).append("\n      block: ").append(block).append('\n');
    }
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /** Waits until the image is decided in registry {@code dev}, polling every {@link #POLL}; returns its entry. */
  private JsonNode decided(ServerProcess server, String digest, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(server.read("/v1/images/" + digest).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode entry = JSON.readTree(r.body()).get("registries").get(0);
        if (DECIDED.contains(entry.get("image").get("state").asText())) {
          return entry;
        }
      }
      if (!server.alive()) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IOException("image " + digest + " was not decided within " + timeout.toSeconds() + " s; server log:\n" + server.tail());
  }

  /** The time of the first (or last) transition to {@code state}, in epoch milliseconds. */
  private static double at(JsonNode entry, String state, boolean first) throws IOException {
    double found = Double.NaN;
    for (JsonNode t : entry.get("transitions")) {
      if (t.get("to").asText().equals(state)) {
        found = Instant.parse(t.get("at").asText()).toEpochMilli();
        if (first) {
          return found;
        }
      }
    }
    if (Double.isNaN(found)) {
      throw new IOException("no transition to " + state + " in " + entry);
    }
    return found;
  }

  /** GET {@code path} with the server's read token; fails unless 200. */
  private JsonNode get(ServerProcess server, String path) throws Exception {
    HttpResponse<String> r = http.send(server.read(path).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The digest the registry serves for {@code repository:tag}. */
  private String digest(RegistryProcess registry, String repository, String tag) throws Exception {
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/" + repository + "/manifests/" + tag))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    return r.headers().firstValue("Docker-Content-Digest")
        .orElseThrow(() -> new IOException("HEAD " + repository + ":" + tag + ": " + r.statusCode() + " without a digest"));
  }

  /** {@code skopeo --insecure-policy copy --quiet FLAGS SOURCE DESTINATION}; fails with skopeo's message. */
  private void skopeo(List<String> flags, String source, String destination) throws Exception {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet"));
    command.addAll(flags);
    command.add(source);
    command.add(destination);
    Path err = work.resolve("skopeo.err");
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no answer in 10 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8).strip());
    }
  }

  private static double millis(Instant t) {
    return t.getEpochSecond() * 1000.0 + t.getNano() / 1e6;
  }

  private static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static void say(String line) {
    System.err.println("bench: " + line);
  }
}
