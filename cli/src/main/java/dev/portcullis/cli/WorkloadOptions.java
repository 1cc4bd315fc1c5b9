package dev.portcullis.cli;

import dev.portcullis.behaviour.Workload;
import dev.portcullis.behaviour.capture.Target;
import dev.portcullis.behaviour.capture.Targets;
import dev.portcullis.behaviour.capture.WatchOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** How {@code learn} and {@code enforce} find the workloads and reach the kernel. */
final class WorkloadOptions {
  /** Where learning and enforcement keep their state unless told otherwise. */
  static final Path STATE = Path.of("/run/portcullis/behaviour");

  @Option(names = "--label", paramLabel = "NAME:KEY=VALUE",
      description = "A label of workload NAME, as its pods carry it (repeatable; default app=NAME). NetworkPolicy selects by them.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--namespace", paramLabel = "NAMESPACE", description = "The Kubernetes namespace the workloads run in.")
  @Nullable String namespace;

  @Option(names = "--podman", paramLabel = "ARG", split = " ",
      description = "podman's global options for podman: workloads (e.g. \"--root R --runroot RR\").")
  List<String> podmanOptions = new ArrayList<>();

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Mode files and a private audit daemon's files (default "
      + "/run/portcullis/behaviour).")
  Path stateDir = STATE;

  @Option(names = "--audit-log", paramLabel = "FILE", description = "The log of an audit daemon that already runs (default "
      + "/var/log/audit/audit.log); when none runs, a private one is started and stopped.")
  @Nullable Path auditLog;

  @Option(names = "--nflog-group", paramLabel = "N", description = "The NFLOG group our rules log to inside each workload's "
      + "namespace (default 4217).")
  int logGroup = WatchOptions.DEFAULT_LOG_GROUP;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines on standard error.")
  boolean quiet;

  /** Resolves every reference ({@code [NAME=]netns:NS|pid:PID|podman:CONTAINER}), each with its labels and the namespace. */
  List<Target> resolve(List<String> references) throws IOException {
    Map<String, Map<String, String>> byName = new LinkedHashMap<>();
    for (String l : labels) {
      int colon = l.indexOf(':');
      int eq = l.indexOf('=', Math.max(colon, 0));
      if (colon <= 0 || eq < 0) {
        throw new IllegalArgumentException("--label " + l + ": NAME:KEY=VALUE");
      }
      byName.computeIfAbsent(l.substring(0, colon), k -> new LinkedHashMap<>()).put(l.substring(colon + 1, eq), l.substring(eq + 1));
    }
    List<String> podman = new ArrayList<>(List.of("podman"));
    podman.addAll(podmanOptions);
    List<Target> targets = new ArrayList<>();
    for (String reference : references) {
      Target t = Targets.resolve(reference, Map.of(), podman);
      Workload w = t.workload();
      Map<String, String> own = byName.remove(w.name());
      if (targets.stream().anyMatch(other -> other.name().equals(w.name()))) {
        throw new IllegalArgumentException("workload " + w.name() + " is named twice; name one of them with NAME= before it");
      }
      Workload labelled = new Workload(w.name(), own == null ? w.labels() : own, namespace, w.image(), w.addresses());
      targets.add(new Target(labelled, t.reference(), t.netns(), t.inode()));
    }
    if (!byName.isEmpty()) {
      throw new IllegalArgumentException("--label names " + String.join(", ", byName.keySet()) + ", which no workload is");
    }
    return targets;
  }

  WatchOptions watch(PrintStream err) {
    WatchOptions options = WatchOptions.defaults(stateDir).withLogGroup(logGroup);
    options = auditLog == null ? options : options.withAuditLog(auditLog);
    return quiet ? options : options.withProgress(line -> err.println("portcullis: " + line));
  }
}
