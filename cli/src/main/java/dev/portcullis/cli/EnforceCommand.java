package dev.portcullis.cli;

import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.behaviour.Mode;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.Violation;
import dev.portcullis.behaviour.ViolationJson;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.enforce.Enforcer;
import dev.portcullis.behaviour.enforce.Modes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis enforce PROFILE... --workload REF...}: hold running workloads to their learned profiles. */
@Command(name = "enforce", mixinStandardHelpOptions = true,
    description = "Enforce learned profiles on running workloads: in monitor mode behaviour outside the profile is reported, in "
        + "protect mode it is stopped (the connection dropped, the process killed) and reported. One JSON line per violation on "
        + "standard output.",
    footer = {"", "Each --workload names a running workload as portcullis learn does ([NAME=]netns:NS, pid:PID, podman:CONTAINER);",
        "its profile is the one of the same name. Rules go into each workload's own network namespace only, as one nftables",
        "table; they are replaced in one transaction when a mode changes (portcullis behaviour mode, or the server with",
        "--server), without restarting the workload, and removed when enforce ends (--duration, or SIGINT/SIGTERM). An exec",
        "outside the profile is killed as soon as Linux audit reports it: within milliseconds, after it started. Needs root."})
final class EnforceCommand implements java.util.concurrent.Callable<Integer> {
  /** How often the server is asked for the modes chosen there, and violations are sent to it. */
  private static final Duration SERVER_ROUND = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories.")
  List<Path> profiles = List.of();

  @Option(names = "--workload", paramLabel = "WORKLOAD", required = true, description = "A running workload (repeatable).")
  List<String> workloads = List.of();

  @Option(names = "--mode", paramLabel = "MODE", description = "monitor or protect for every workload at the start (default: the "
      + "mode each one's file in --state-dir holds, else monitor).")
  @Nullable String mode;

  @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: until interrupted).")
  @Nullable String duration;

  @Mixin WorkloadOptions options;

  @Mixin BehaviourServerOptions serverOptions;

  @Override
  public Integer call() throws IOException {
    Main main = Main.of(spec);
    Mode start = mode == null ? null : Mode.parse(mode);
    Duration limit = duration == null ? null : BehaviourFiles.duration("--duration", duration);
    List<Profile> read = BehaviourFiles.read(profiles);
    Optional<ServerEvidence> server = serverOptions.connect();
    List<Target> targets = options.resolve(workloads);
    Map<String, Mode> modes = new LinkedHashMap<>();
    if (start != null) {
      targets.forEach(t -> modes.put(t.name(), start));
    }
    LinkedBlockingQueue<Violation> toSend = new LinkedBlockingQueue<>(100_000);
    AtomicLong dropped = new AtomicLong();
    Object printing = new Object();
    Enforcer enforcer = Enforcer.start(targets, read, modes, options.watch(main.err), v -> {
      synchronized (printing) {
        main.out.println(ViolationJson.line(v));
        main.out.flush();
      }
      if (server.isPresent() && !toSend.offer(v)) {
        dropped.incrementAndGet();
      }
    });
    // rules stay only while enforce runs: removed on SIGINT/SIGTERM too
    Thread cleanup = new Thread(() -> closeQuietly(enforcer, main), "portcullis-enforce-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      long until = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < until) {
        long wait = Math.min(SERVER_ROUND.toNanos(), until - System.nanoTime());
        try {
          TimeUnit.NANOSECONDS.sleep(Math.max(0, wait));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("enforce: interrupted");
        }
        if (server.isPresent()) {
          exchange(server.get(), targets, toSend, main);
        }
      }
      if (server.isPresent()) {
        exchange(server.get(), targets, toSend, main);
      }
    } finally {
      enforcer.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down already: the hook closes the enforcer again, which is harmless
      }
      server.ifPresent(ServerEvidence::close);
    }
    if (dropped.get() > 0) {
      main.err.println("portcullis: " + dropped.get() + " violation(s) were not sent to the server (more than 100,000 waiting)");
    }
    return 0;
  }

  /** Sends the waiting violations and takes over the modes chosen on the server; a server that fails is told, not fatal. */
  private void exchange(ServerEvidence server, List<Target> targets, LinkedBlockingQueue<Violation> toSend, Main main) {
    List<Violation> batch = new ArrayList<>();
    toSend.drainTo(batch);
    Map<String, List<Violation>> byWorkload = new LinkedHashMap<>();
    batch.forEach(v -> byWorkload.computeIfAbsent(v.workload(), k -> new ArrayList<>()).add(v));
    byWorkload.forEach((workload, violations) -> {
      for (int from = 0; from < violations.size(); from += 1000) {
        List<Violation> part = violations.subList(from, Math.min(violations.size(), from + 1000));
        String body = "{\"violations\":[" + String.join(",", part.stream().map(ViolationJson::line).toList()) + "]}";
        try {
          server.post("/v1/workloads/" + workload + "/violations", body, Duration.ofSeconds(10));
        } catch (IOException e) {
          main.err.println("portcullis: send " + part.size() + " violation(s) of " + workload + ": "
              + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    });
    for (Target t : targets) {
      try {
        Optional<String> answer = server.get("/v1/workloads/" + t.name() + "/mode", Duration.ofSeconds(10));
        if (answer.isPresent()) {
          String word = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.get()).path("mode").asText("");
          Mode chosen = Mode.parse(word);
          if (Modes.get(options.stateDir, t.name()).orElse(null) != chosen) {
            Modes.set(options.stateDir, t.name(), chosen);
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        main.err.println("portcullis: read the mode of " + t.name() + " from the server: "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
    }
  }

  private static void closeQuietly(Enforcer enforcer, Main main) {
    try {
      enforcer.close();
    } catch (IOException e) {
      main.err.println("portcullis: " + e.getMessage());
    }
  }
}
