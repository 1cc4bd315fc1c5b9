package dev.portcullis.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.admission.hook.ClientJar;
import dev.portcullis.admission.hook.HookConfig;
import dev.portcullis.admission.hook.HookDaemon;
import dev.portcullis.admission.hook.HookService;
import dev.portcullis.admission.hook.HooksDirEntry;
import dev.portcullis.admission.hook.NativeClient;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.registry.RegistryClient;
import dev.portcullis.sign.ImageSigner;
import dev.portcullis.sign.PredicateTypes;
import dev.portcullis.sign.cosign.CosignStore;
import dev.portcullis.sign.key.LocalSigner;
import dev.portcullis.sign.key.PrivateKeys;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.BusyboxImage;
import dev.portcullis.testkit.Dirs;
import dev.portcullis.testkit.Podman;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Tools;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Group {@code hook} of {@code bench/run}: what the OCI runtime hook adds to every container start
 * (issue 15). {@code podman run --rm IMAGE true} of a signed, approved busybox image from a real
 * registry, with runc, {@value #RUNS} runs per variant, interleaved: without a hook (the baseline),
 * with the hook daemon behind its C client, and behind its JDK-only client. The daemon runs in this
 * JVM, decides from the image's registry with {@code reuseFacts} (what a node would configure), and
 * answers each start through its Unix socket.
 *
 * <p>Usage: {@code HookBench WORK RESULTS}. Prints the Markdown table.
 */
public final class HookBench {
  static final int RUNS = 20;
  static final double GOAL_MS = 50;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: HookBench WORK RESULTS");
      System.exit(2);
    }
    Path work = Path.of(args[0]);
    Path results = Path.of(args[1]);
    Dirs.deleteTree(work);
    Files.createDirectories(work);
    try (RegistryProcess registry = RegistryProcess.start()) {
      BusyboxImage.Pushed image = BusyboxImage.push(registry, "bench/app", "approved");
      KeyPair key = PrivateKeys.generateP256();
      try (RegistryClient client = RegistryClient.create(new RegistryOptions(true, null, null, null, 3), ProgressListener.NONE)) {
        ImageSigner signer = new ImageSigner(new CosignStore(client));
        ImageRef ref = ImageRef.parse(image.digestReference());
        signer.sign(ref, LocalSigner.of(key.getPrivate()));
        ObjectNode verdict = JsonNodeFactory.instance.objectNode().put("stage", "prod").put("decision", "allow").put("score", 92)
            .put("time", Instant.now().toString());
        signer.attest(ref, PredicateTypes.VERDICT, verdict, LocalSigner.of(key.getPrivate()));
      }
      Files.writeString(work.resolve("trusted.pub"), PublicKeys.toPem(key.getPublic()));
      Files.writeString(work.resolve("hook.yaml"), """
          stage: prod
          keys: [trusted.pub]
          verdict: {maxAge: 7d}
          registries: ["%s"]
          registry: {insecure: true}
          host: {podSecurity: baseline}
          reuseFacts: 60s
          log: decisions.jsonl
          deadline: 8s
          """.formatted(registry.host()));
      try (HookService service = HookService.open(HookConfig.load(work.resolve("hook.yaml")), true, Clock.systemUTC());
          HookDaemon daemon = HookDaemon.bind(work.resolve("hook.sock"), service.hook(), Duration.ofSeconds(8))) {
        Thread serving = new Thread(() -> {
          try {
            daemon.serve();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, "hook-daemon");
        serving.start();
        Path nativeClient = work.resolve(NativeClient.FILE);
        NativeClient.build("cc", nativeClient);
        Path jar = work.resolve(ClientJar.FILE);
        ClientJar.write(jar);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<String, Podman> variants = new LinkedHashMap<>();
        variants.put("no hook (baseline)", Podman.create(Podman.Options.defaults().withInsecureRegistry(registry)));
        variants.put("hook daemon, C client", podman(registry, work.resolve("hooks-native"), new HooksDirEntry(nativeClient,
            List.of(NativeClient.FILE, "--socket", daemon.socket().toString(), "--timeout-ms", "9000"), "createRuntime", Duration.ofSeconds(10))));
        variants.put("hook daemon, JDK client", podman(registry, work.resolve("hooks-jdk"), new HooksDirEntry(java, List.of("java", "-Xint",
            "-XX:+UseSerialGC", "-Xshare:auto", "-cp", jar.toString(), ClientJar.MAIN_CLASS, "--socket", daemon.socket().toString(),
            "--timeout-ms", "9000"), "createRuntime", Duration.ofSeconds(10))));
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try (BufferedWriter tsv = Files.newBufferedWriter(results.resolve("hook.tsv"))) {
          for (Map.Entry<String, Podman> v : variants.entrySet()) {
            v.getValue().pull(image.digestReference());
            start(v.getValue(), image); // untimed: page cache, the daemon's first facts
            samples.put(v.getKey(), new ArrayList<>());
          }
          for (int run = 0; run < RUNS; run++) {
            for (Map.Entry<String, Podman> v : variants.entrySet()) {
              double ms = start(v.getValue(), image);
              samples.get(v.getKey()).add(ms);
              tsv.write(v.getKey() + "\t" + run + "\t" + String.format(Locale.ROOT, "%.1f", ms) + "\n");
            }
          }
        } finally {
          for (Podman p : variants.values()) {
            p.close();
          }
          daemon.close();
          serving.join(5000);
        }
        double base = Report.median(samples.get("no hook (baseline)")).orElseThrow();
        StringBuilder out = new StringBuilder("\n### OCI runtime hook: `podman run --rm IMAGE true` (runc, " + RUNS
            + " runs per variant, interleaved)\n\n| Variant | Median | Added (median − baseline) | Goal | Met |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Double>> s : samples.entrySet()) {
          double median = Report.median(s.getValue()).orElseThrow();
          boolean baseline = s.getKey().startsWith("no hook");
          out.append(String.format(Locale.ROOT, "| %s | %.0f ms | %s | %s | %s |%n", s.getKey(), median,
              baseline ? "" : String.format(Locale.ROOT, "%+.0f ms", median - base), baseline ? "" : "≤ " + Report.number(GOAL_MS) + " ms",
              baseline ? "" : median - base <= GOAL_MS ? "yes" : "**no**"));
        }
        System.out.print(out);
      }
    }
  }

  private static Podman podman(RegistryProcess registry, Path hooks, HooksDirEntry entry) throws IOException {
    Files.createDirectories(hooks);
    Files.writeString(hooks.resolve(HooksDirEntry.FILE), entry.json());
    return Podman.create(Podman.Options.defaults().withInsecureRegistry(registry).withHooksDir(hooks));
  }

  /** One start, in milliseconds; it must succeed (an approved image). */
  private static double start(Podman podman, BusyboxImage.Pushed image) throws Exception {
    long t = System.nanoTime();
    Tools.Result r = podman.run("--rm", image.digestReference(), "true");
    double ms = (System.nanoTime() - t) / 1e6;
    if (r.exitCode() != 0) {
      throw new IOException("podman run of the approved image failed (" + r.exitCode() + "): " + r.stderr());
    }
    return ms;
  }
}
