package dev.portcullis.cli;

import dev.portcullis.behaviour.Profile;
import dev.portcullis.behaviour.generate.NetworkPolicies;
import dev.portcullis.behaviour.generate.ProcessAllowlists;
import dev.portcullis.behaviour.generate.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis behaviour}: what learned profiles turn into (NetworkPolicy, process allowlists, the topology) and
 * how they read.
 */
@Command(name = "behaviour", mixinStandardHelpOptions = true,
    description = "Turn learned behaviour profiles (portcullis learn) into Kubernetes NetworkPolicy, process allowlists and a "
        + "topology picture, or show how far learning is.",
    subcommands = {BehaviourCommand.Show.class, BehaviourCommand.NetworkPolicy.class, BehaviourCommand.Allowlist.class,
        BehaviourCommand.TopologyCommand.class, BehaviourCommand.Nftables.class, BehaviourCommand.ModeCommand.class},
    footer = {"", "PROFILE is a profile file or a directory of them (every *.json in it), as portcullis learn -o wrote them."})
final class BehaviourCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: show, networkpolicy, allowlist, topology");
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One line per profile: its workload, revision, flows and processes, and whether learning is complete and why.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories.")
    List<Path> profiles = List.of();

    @Option(names = "--complete", description = "Exit 1 unless learning is complete for every profile.")
    boolean requireComplete;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      boolean all = true;
      for (Profile p : BehaviourFiles.read(profiles)) {
        all &= p.learning().complete();
        main.out.println(p.workload().name() + " revision " + p.revision() + ": " + p.flows().size() + " flows, "
            + p.processes().size() + " processes; " + p.learning().status());
      }
      return requireComplete && !all ? Main.FAILED : 0;
    }
  }

  @Command(name = "networkpolicy", mixinStandardHelpOptions = true,
      description = "Kubernetes NetworkPolicy (networking.k8s.io/v1) for every profiled workload: ingress and egress as learned, "
          + "DNS to kube-dns kept, everything else denied. What a policy cannot express (ICMP, DNS names) goes to standard error.")
  static final class NetworkPolicy implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories, one profile per workload.")
    List<Path> profiles = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the YAML here (atomically) instead of stdout.")
    @Nullable Path output;

    @Override
    public Integer call() throws IOException {
      Main main = Main.of(spec);
      NetworkPolicies policies = NetworkPolicies.of(BehaviourFiles.read(profiles));
      BehaviourFiles.emit(main, output, policies.yaml());
      policies.notes().forEach(n -> main.err.println("portcullis: " + n));
      return 0;
    }
  }

  @Command(name = "allowlist", mixinStandardHelpOptions = true,
      description = "The process allowlist of every profiled workload (JSON): the executables it ran, with their SHA-256, "
          + "arguments and users.")
  static final class Allowlist implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories.")
    List<Path> profiles = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON here (atomically) instead of stdout.")
    @Nullable Path output;

    @Override
    public Integer call() throws IOException {
      BehaviourFiles.emit(Main.of(spec), output, ProcessAllowlists.of(BehaviourFiles.read(profiles)).json());
      return 0;
    }
  }

  @Command(name = "topology", mixinStandardHelpOptions = true,
      description = "The graph of all profiled workloads and their peers: --format json (default), dot (Graphviz) or svg "
          + "(rendered by Graphviz dot, which must be installed).")
  static final class TopologyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories.")
    List<Path> profiles = List.of();

    @Option(names = "--format", paramLabel = "FORMAT", description = "json (default), dot or svg.", defaultValue = "json")
    String format = "json";

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write it here (atomically) instead of stdout.")
    @Nullable Path output;

    @Override
    public Integer call() throws IOException {
      if (!List.of("json", "dot", "svg").contains(format)) {
        throw new IllegalArgumentException("--format " + format + ": json, dot or svg");
      }
      Topology topology = Topology.of(BehaviourFiles.read(profiles));
      BehaviourFiles.emit(Main.of(spec), output, switch (format) {
        case "dot" -> topology.dot();
        case "svg" -> topology.svg();
        default -> topology.json();
      });
      return 0;
    }
  }

  @Command(name = "nftables", mixinStandardHelpOptions = true,
      description = "The nftables ruleset portcullis enforce installs in a workload's own network namespace (nft -f text that "
          + "replaces table inet portcullis in one transaction): one chain per direction, learned flows accepted, established "
          + "traffic accepted, the first packet of anything else logged (NFLOG) and dropped (protect) or accepted (monitor), "
          + "counters on every rule.")
  static final class Nftables implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PROFILE", description = "Profile files or directories: the workload's, and its peers' "
        + "(whose addresses its rules name).")
    List<Path> profiles = List.of();

    @Option(names = "--workload", paramLabel = "NAME", required = true, description = "The workload whose ruleset to write.")
    String workload = "";

    @Option(names = "--mode", paramLabel = "MODE", description = "protect (default) or monitor.", defaultValue = "protect")
    String mode = "protect";

    @Option(names = "--nflog-group", paramLabel = "N", description = "The NFLOG group violations are logged to (default 4217).")
    int logGroup = dev.portcullis.behaviour.capture.WatchOptions.DEFAULT_LOG_GROUP;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write it here (atomically) instead of stdout.")
    @Nullable Path output;

    @Override
    public Integer call() throws IOException {
      java.util.Map<String, dev.portcullis.behaviour.Workload> known = new java.util.HashMap<>();
      Profile own = null;
      for (Profile p : BehaviourFiles.read(profiles)) {
        known.put(p.workload().name(), p.workload());
        own = p.workload().name().equals(workload) ? p : own;
      }
      if (own == null) {
        throw new IllegalArgumentException("--workload " + workload + ": no profile of it among the profiles given");
      }
      BehaviourFiles.emit(Main.of(spec), output, dev.portcullis.behaviour.enforce.NftRuleset.of(own, known,
          dev.portcullis.behaviour.Mode.parse(mode), logGroup));
      return 0;
    }
  }

  @Command(name = "mode", mixinStandardHelpOptions = true,
      description = "Switch a workload that portcullis enforce holds between monitor and protect, while it runs: the enforcer "
          + "replaces its rules within a second, without restarting it.")
  static final class ModeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "The workload's name.")
    String workload = "";

    @Parameters(index = "1", paramLabel = "MODE", description = "monitor or protect.")
    String mode = "";

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The enforcer's --state-dir (default /run/portcullis/behaviour).")
    Path stateDir = WorkloadOptions.STATE;

    @Override
    public Integer call() throws IOException {
      dev.portcullis.behaviour.Workload.named(workload, List.of());
      dev.portcullis.behaviour.Mode chosen = dev.portcullis.behaviour.Mode.parse(mode);
      dev.portcullis.behaviour.enforce.Modes.set(stateDir, workload, chosen);
      Main.of(spec).err.println("portcullis: " + workload + " is now in " + chosen.word() + " mode");
      return 0;
    }
  }
}
