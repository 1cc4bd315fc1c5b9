package dev.portcullis.cli;

import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.generate.Drift;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis drift PROFILE... --against PROFILE...}: what behaviour is new or gone since a profile was learned. */
@Command(name = "drift", mixinStandardHelpOptions = true,
    description = "Compare learned profiles with a later learning run of the same workloads: new peers, ports and processes, and "
        + "vanished ones. Exits 1 when anything drifted.",
    footer = {"", "PROFILE is a profile file or a directory of them. --against names the later run's profiles (portcullis learn -o",
        "into another directory); each workload is compared with its own. A vanished entry was in the baseline but not seen",
        "in the later run: it may be a path that run did not exercise."})
final class DriftCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "The baseline profiles.")
  List<Path> baseline = List.of();

  @Option(names = "--against", paramLabel = "PROFILE", arity = "1..*", required = true,
      description = "The later run's profiles (files or directories).")
  List<Path> against = List.of();

  @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json.", defaultValue = "table")
  String format = "table";

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report here (atomically) instead of stdout.")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("table") && !format.equals("json")) {
      throw new IllegalArgumentException("--format " + format + ": table or json");
    }
    Map<String, Profile> base = byWorkload(BehaviourFiles.read(baseline), "the baseline");
    Map<String, Profile> later = byWorkload(BehaviourFiles.read(against), "--against");
    List<Drift> drifts = new ArrayList<>();
    for (Profile profile : base.values()) {
      Profile live = later.get(profile.workload().name());
      if (live == null) {
        throw new IllegalArgumentException("drift of workload " + profile.workload().name() + ": --against has no profile of it");
      }
      drifts.add(Drift.between(profile, live));
    }
    return BehaviourFiles.report(Main.of(spec), drifts, format, output) ? BehaviourFiles.DRIFTED : 0;
  }

  static Map<String, Profile> byWorkload(List<Profile> profiles, String where) {
    Map<String, Profile> out = new LinkedHashMap<>();
    for (Profile p : profiles) {
      if (out.put(p.workload().name(), p) != null) {
        throw new IllegalArgumentException(where + " has two profiles of workload " + p.workload().name());
      }
    }
    return out;
  }
}
