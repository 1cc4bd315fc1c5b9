package dev.portcullis.cli;

import dev.portcullis.admission.remote.ServerEvidence;
import dev.portcullis.behaviour.Learning;
import dev.portcullis.behaviour.Observation;
import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.ProfileJson;
import dev.portcullis.behaviour.capture.Learner;
import dev.portcullis.behaviour.capture.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portcullis learn WORKLOAD... --duration D -o DIR}: one learning run, merged into each workload's profile. */
@Command(name = "learn", mixinStandardHelpOptions = true,
    description = "Learn how running workloads behave: every connection they make or accept and every program they execute, "
        + "while you exercise them (tests, a staging run). Each run is merged into the workload's profile in DIR, one revision more.",
    footer = {"", "WORKLOAD is netns:NAME (an ip netns), pid:PID (that process's network namespace) or podman:CONTAINER, optionally",
        "with NAME= before it to name the workload. Connections are read from an nftables log rule (NFLOG) in each workload's",
        "own namespace, so even a connection of a millisecond is seen and the host's firewall is never touched; executions are",
        "read from Linux audit (an audit daemon that runs, or a private one). Nothing is blocked while learning. Needs root.",
        "Learning is complete after --quiet-for without a new entry, or --quiet-runs runs in a row that added none",
        "(portcullis behaviour show)."})
final class LearnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "WORKLOAD", description = "The workloads to learn.")
  List<String> workloads = List.of();

  @Option(names = "--duration", paramLabel = "DURATION", required = true, description = "How long to learn (30s, 10m, 2h).")
  String duration = "";

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
      description = "The profiles' directory: NAME.json is created, or the run is merged into it.")
  Path output = Path.of(".");

  @Option(names = "--quiet-for", paramLabel = "DURATION", description = "Complete after this long without a new entry (default 30m).")
  String quietFor = "30m";

  @Option(names = "--quiet-runs", paramLabel = "N", description = "Or after N runs in a row without a new entry (default 2; 0: never).")
  int quietRuns = 2;

  @Mixin WorkloadOptions options;

  @Mixin BehaviourServerOptions serverOptions;

  @Override
  public Integer call() throws IOException {
    Main main = Main.of(spec);
    Duration run = BehaviourFiles.duration("--duration", duration);
    Learning.Condition condition = new Learning.Condition(BehaviourFiles.duration("--quiet-for", quietFor), quietRuns);
    if (!Files.isDirectory(output)) {
      throw new IOException("learn: -o " + output + " is not a directory");
    }
    Optional<ServerEvidence> server = serverOptions.connect();
    try {
      learn(main, condition, run, server);
    } finally {
      server.ifPresent(ServerEvidence::close);
    }
    return 0;
  }

  private void learn(Main main, Learning.Condition condition, Duration run, Optional<ServerEvidence> server)
      throws IOException {
    List<Target> targets = options.resolve(workloads);
    // read every existing profile before learning: one that is not a profile stops the run before it starts
    List<Optional<Profile>> before = new ArrayList<>();
    for (Target t : targets) {
      Path file = output.resolve(t.name() + ".json");
      before.add(Files.exists(file) ? Optional.of(ProfileJson.read(file)) : Optional.empty());
    }
    List<Observation> seen = Learner.learn(targets, run, options.watch(main.err));
    for (int i = 0; i < targets.size(); i++) {
      Observation o = seen.get(i);
      Profile profile = before.get(i).map(p -> p.merge(o)).orElseGet(() -> Profile.of(o, condition));
      Path file = output.resolve(profile.workload().name() + ".json");
      String text = ProfileJson.write(profile);
      AtomicWrite.write(file, text.getBytes(StandardCharsets.UTF_8));
      main.err.println("portcullis: " + file + ": revision " + profile.revision() + ", " + profile.flows().size() + " flows, "
          + profile.processes().size() + " processes; " + profile.learning().status());
      if (server.isPresent()) {
        String path = "/v1/workloads/" + profile.workload().name() + "/profiles";
        try {
          server.get().post(path, text, Duration.ofSeconds(30));
        } catch (IOException e) {
          throw new IOException("send the profile of " + profile.workload().name() + " to " + serverOptions.server + ": "
              + e.getMessage().lines().findFirst().orElse(""), e);
        }
      }
    }
  }
}
