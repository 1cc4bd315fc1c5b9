package dev.portcullis.host.check;

import dev.portcullis.host.Audit;
import dev.portcullis.host.CheckResult;
import dev.portcullis.host.HostCheck;
import dev.portcullis.host.HostReport;
import dev.portcullis.host.Profile;
import dev.portcullis.host.Status;
import dev.portcullis.host.containers.ContainerFacts;
import dev.portcullis.host.containers.ContainerSource;
import dev.portcullis.host.root.Accounts;
import dev.portcullis.host.root.FileStat;
import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.AuditRules;
import dev.portcullis.host.settings.ConfigFiles;
import dev.portcullis.host.settings.ConfigFormat;
import dev.portcullis.host.settings.ContainersConf;
import dev.portcullis.host.settings.DockerdSettings;
import dev.portcullis.host.settings.KubeletSettings;
import dev.portcullis.host.settings.Mounts;
import dev.portcullis.host.settings.Processes;
import dev.portcullis.host.settings.Setting;
import dev.portcullis.host.settings.SystemdUnit;
import dev.portcullis.host.settings.Sysctls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs host checks on one {@link Root}. Every check gets a status: a check whose profile's software
 * is not on the host, or that needs a live host when the root is offline, is NOT_APPLICABLE with
 * the reason; a file that cannot be used makes that check an ERROR with a one-line reason; nothing
 * a host contains makes the run fail.
 */
public final class HostChecker {
  /**
   * What to run and with what.
   *
   * @param profiles the profiles to check
   * @param skip check IDs not to run (they do not appear in the report)
   * @param userHome a rootless podman user's home (host path) whose {@code containers.conf} layers on top
   * @param env the environment podman would see ({@code CONTAINERS_CONF}, {@code CONTAINERS_CONF_OVERRIDE})
   * @param containers the engines asked for running containers on a live host
   * @param deadline for each engine's answer
   */
  public record Options(Set<Profile> profiles, Set<String> skip, Optional<String> userHome, Map<String, String> env,
      List<ContainerSource> containers, Duration deadline) {
    public Options {
      profiles = Set.copyOf(profiles);
      skip = Set.copyOf(skip);
      env = Map.copyOf(env);
      containers = List.copyOf(containers);
      Objects.requireNonNull(deadline, "deadline");
    }

    /** Every profile, nothing skipped, no containers. */
    public static Options all() {
      return new Options(Set.of(Profile.values()), Set.of(), Optional.empty(), Map.of(), List.of(), Duration.ofSeconds(20));
    }

    public Options withProfiles(Set<Profile> p) {
      return new Options(p, skip, userHome, env, containers, deadline);
    }

    public Options withSkip(Set<String> s) {
      return new Options(profiles, s, userHome, env, containers, deadline);
    }

    public Options withContainers(List<ContainerSource> c) {
      return new Options(profiles, skip, userHome, env, c, deadline);
    }

    public Options withEnv(Map<String, String> e) {
      return new Options(profiles, skip, userHome, e, containers, deadline);
    }

    public Options withUserHome(Optional<String> home) {
      return new Options(profiles, skip, home, env, containers, deadline);
    }
  }

  private final CheckCatalog catalog;
  private final Options options;

  public HostChecker(CheckCatalog catalog, Options options) {
    this.catalog = catalog;
    this.options = options;
  }

  /** The report of every selected check on {@code root}. */
  public HostReport check(Root root) {
    Run run = new Run(root);
    List<CheckResult> results = new ArrayList<>();
    for (HostCheck c : catalog.all()) {
      if (selected(c) && !options.skip().contains(c.id())) {
        results.add(run.result(c));
      }
    }
    return HostReport.of(root.base().toString(), root.isLive(), List.copyOf(options.profiles()), results);
  }

  /** Container checks run with the docker or the podman profile, on whichever engines were found. */
  private boolean selected(HostCheck c) {
    if (c.audit() instanceof Audit.ContainerTest) {
      return options.profiles().contains(Profile.DOCKER) || options.profiles().contains(Profile.PODMAN);
    }
    return options.profiles().contains(c.profile());
  }

  /** A value computed once per run, or the problem that stopped it. */
  private static final class Once<T> {
    interface Compute<T> {
      T get() throws IOException;
    }

    private final Compute<T> compute;
    private T value;
    private IOException problem;
    private boolean done;

    Once(Compute<T> compute) {
      this.compute = compute;
    }

    T get() throws IOException {
      if (!done) {
        done = true;
        try {
          value = compute.get();
        } catch (IOException e) {
          problem = e;
        }
      }
      if (problem != null) {
        throw problem;
      }
      return value;
    }
  }

  /** The state of one run on one root. */
  private final class Run {
    private final Root root;
    private final Map<Profile, Once<Optional<String>>> absence = new EnumMap<>(Profile.class);
    private final Once<DockerdSettings> dockerd;
    private final Once<KubeletSettings> kubelet;
    private final Once<ContainersConf> containersConf;
    private final Once<Accounts> accounts;
    private final Once<List<ContainerFacts>> containers;

    Run(Root root) {
      this.root = root;
      absence.put(Profile.DOCKER, new Once<>(() -> DockerdSettings.absence(root)));
      absence.put(Profile.KUBELET, new Once<>(() -> KubeletSettings.absence(root)));
      absence.put(Profile.PODMAN, new Once<>(() -> ContainersConf.absence(root)));
      absence.put(Profile.LINUX, new Once<>(() -> root.exists("/etc") ? Optional.empty() : Optional.of("no /etc: not a Linux root file system")));
      dockerd = new Once<>(() -> DockerdSettings.resolve(root));
      kubelet = new Once<>(() -> KubeletSettings.resolve(root));
      containersConf = new Once<>(() -> ContainersConf.resolve(root, options.userHome(), options.env()));
      accounts = new Once<>(() -> Accounts.of(root));
      containers = new Once<>(this::running);
    }

    CheckResult result(HostCheck c) {
      try {
        Optional<String> absent = c.audit() instanceof Audit.ContainerTest ? Optional.empty() : absence.get(c.profile()).get();
        if (absent.isPresent()) {
          return new CheckResult(c, Status.NOT_APPLICABLE, absent.get());
        }
        if (c.audit().liveOnly() && !root.isLive()) {
          return new CheckResult(c, Status.NOT_APPLICABLE, "not applicable offline: " + liveNeed(c.audit()));
        }
        CheckResult r = evaluate(c);
        if (!c.automated() && r.status() != Status.NOT_APPLICABLE) {
          return new CheckResult(c, Status.MANUAL, "for review: " + r.evidence());
        }
        return r;
      } catch (IOException e) {
        return new CheckResult(c, Status.ERROR, oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      } catch (RuntimeException e) {
        // a defect of ours on one input must not cost the other checks their results
        return new CheckResult(c, Status.ERROR, oneLine("internal error in " + c.audit().kind() + " audit: " + e));
      }
    }

    private CheckResult evaluate(HostCheck c) throws IOException {
      return switch (c.audit()) {
        case Audit.FileExists f -> {
          Optional<String> path = path(f.path());
          if (path.isEmpty()) {
            yield new CheckResult(c, Status.NOT_APPLICABLE, f.path() + " names no file on this host");
          }
          boolean exists = root.exists(path.get());
          yield verdict(c, exists ? Optional.of(path.get()) : Optional.empty(), (exists ? "present: " : "absent: ") + path.get());
        }
        case Audit.Permissions p -> permissions(c, p);
        case Audit.SettingOf s -> setting(c, s);
        case Audit.MountOf m -> {
          Optional<Setting> mount = Mounts.at(root, m.mountPoint());
          yield verdict(c, mount.map(Setting::value), mount.map(x -> m.mountPoint() + " mounted with " + x.value() + " (" + x.source() + ")")
              .orElse(m.mountPoint() + " is not a mount of its own (" + (root.isLive() ? "/proc/self/mountinfo" : "/etc/fstab") + ")"));
        }
        case Audit.ProcessOf p -> {
          Optional<List<dev.portcullis.host.settings.SystemdUnit.Word>> cmd = Processes.commandLine(root, p.program());
          String line = cmd.map(w -> String.join(" ", w.stream().map(dev.portcullis.host.settings.SystemdUnit.Word::text).toList())).orElse("");
          yield verdict(c, cmd.map(w -> line), cmd.map(w -> p.program() + " runs: " + Redaction.commandLine(line) + " (" + w.get(0).source() + ")")
              .orElse("no " + p.program() + " process runs"));
        }
        case Audit.ContainerTest t -> containers(c, t);
        case Audit.DockerdConflicts d -> {
          DockerdSettings s = dockerd.get();
          if (s.conflicts().isEmpty()) {
            yield new CheckResult(c, Status.PASS, "no setting is given both as a flag and in " + s.configFile()
                + s.commandLine().map(w -> " (flags from " + w + ")").orElse(" (no dockerd command line found)"));
          }
          yield new CheckResult(c, Status.FAIL, String.join("; ", s.conflicts().stream().map(DockerdSettings.Conflict::describe).toList()));
        }
      };
    }

    private CheckResult verdict(HostCheck c, Optional<String> value, String evidence) {
      boolean pass = c.test().orElseThrow().passes(value);
      return new CheckResult(c, pass ? Status.PASS : Status.FAIL, evidence + (pass ? "" : "; expected " + c.test().get().describe()));
    }

    private CheckResult setting(HostCheck c, Audit.SettingOf s) throws IOException {
      Optional<Setting> found;
      String where;
      switch (s.source()) {
        case DOCKERD -> {
          DockerdSettings d = dockerd.get();
          Optional<DockerdSettings.Conflict> conflict = d.conflict(s.key());
          if (conflict.isPresent()) {
            return new CheckResult(c, Status.ERROR, "contradictory: " + conflict.get().describe());
          }
          found = d.get(s.key());
          where = "dockerd: " + d.commandLine().map(w -> "flags from " + w).orElse("no command line found") + ", " + d.configFile()
              + (d.configFound() ? "" : " (absent)");
        }
        case KUBELET -> {
          KubeletSettings k = kubelet.get();
          found = k.get(s.key());
          where = "kubelet: " + k.commandLine().map(w -> "flags from " + w).orElse("no command line found") + ", config file "
              + k.configFile().orElse("none") + " (" + k.configNote() + ")";
        }
        case CONTAINERS_CONF -> {
          ContainersConf cc = containersConf.get();
          found = cc.get(s.key());
          where = "containers.conf: " + (cc.files().isEmpty() ? "no file" : String.join(", ", cc.files()));
        }
        case SYSCTL -> {
          found = Sysctls.get(root, s.key());
          where = root.isLive() ? "/proc/sys" : "sysctl files";
        }
        case AUDIT_RULES -> {
          found = AuditRules.watches(root);
          where = "/etc/audit/rules.d/*.rules, /etc/audit/audit.rules";
        }
        case JSON, YAML, TOML -> {
          String file = s.file().orElseThrow();
          Optional<String> path = path(file);
          if (path.isEmpty()) {
            return new CheckResult(c, Status.NOT_APPLICABLE, file + " names no file on this host");
          }
          Optional<Map<String, String>> keys = ConfigFiles.read(root, path.get(), ConfigFormat.valueOf(s.source().name()));
          if (keys.isEmpty()) {
            return new CheckResult(c, Status.NOT_APPLICABLE, path.get() + " does not exist");
          }
          found = Optional.ofNullable(keys.get().get(s.key())).map(v -> new Setting(s.key(), v, Setting.Origin.FILE, path.get()));
          where = path.get();
        }
        default -> throw new IllegalStateException("unreachable");
      }
      String evidence = found.map(f -> Redaction.describe(f)).orElse(s.key() + " is not set (" + where + ")");
      return verdict(c, found.map(Setting::value), evidence);
    }

    private CheckResult permissions(HostCheck c, Audit.Permissions p) throws IOException {
      Optional<String> path = path(p.path());
      if (path.isEmpty()) {
        return new CheckResult(c, Status.NOT_APPLICABLE, p.path() + " names no file on this host");
      }
      Optional<FileStat> stat = root.stat(path.get());
      if (stat.isEmpty()) {
        return new CheckResult(c, Status.NOT_APPLICABLE, "no " + path.get() + " on this host");
      }
      FileStat s = stat.get();
      Accounts a = accounts.get();
      List<String> wrong = new ArrayList<>();
      int extra = s.mode() & ~p.maxMode();
      if (extra != 0) {
        wrong.add(String.format("mode %s allows %04o beyond %04o", s.octal(), extra, p.maxMode()));
      }
      if (p.owner().isPresent()) {
        Optional<Integer> uid = a.uid(p.owner().get());
        if (uid.isEmpty()) {
          throw new RootProblem("no user " + p.owner().get() + " in the host's /etc/passwd");
        }
        if (uid.get() != s.uid()) {
          wrong.add("owner " + a.userName(s.uid()) + ", not " + p.owner().get());
        }
      }
      if (p.group().isPresent()) {
        Optional<Integer> gid = a.gid(p.group().get());
        if (gid.isEmpty()) {
          // a group the host does not have (e.g. no docker group) cannot own the file: only root's group is then right
          if (s.gid() != 0) {
            wrong.add("group " + a.groupName(s.gid()) + ", and the host has no group " + p.group().get());
          }
        } else if (gid.get() != s.gid() && s.gid() != 0) {
          wrong.add("group " + a.groupName(s.gid()) + ", not " + p.group().get() + " or root");
        }
      }
      String found = path.get() + ": mode " + s.octal() + ", owner " + a.userName(s.uid()) + ", group " + a.groupName(s.gid());
      if (wrong.isEmpty()) {
        return new CheckResult(c, Status.PASS, found);
      }
      return new CheckResult(c, Status.FAIL, found + " (" + String.join("; ", wrong) + ")");
    }

    private CheckResult containers(HostCheck c, Audit.ContainerTest t) throws IOException {
      if (options.containers().isEmpty()) {
        return new CheckResult(c, Status.NOT_APPLICABLE, "no container engine to ask (no podman on PATH, no Docker socket)");
      }
      ContainerFacts.Test test = catalog.containerTest(t.test());
      List<ContainerFacts> running = containers.get();
      List<String> failures = new ArrayList<>();
      for (ContainerFacts f : running) {
        test.failure(f).ifPresent(why -> failures.add(f.engine() + " " + f.name() + ": " + why));
      }
      String engines = String.join(", ", options.containers().stream().map(ContainerSource::engine).toList());
      if (failures.isEmpty()) {
        return new CheckResult(c, Status.PASS, running.isEmpty() ? "no running container (" + engines + ")"
            : running.size() + " running container" + (running.size() == 1 ? "" : "s") + " pass (" + engines + ")");
      }
      int shown = Math.min(failures.size(), 10);
      return new CheckResult(c, Status.FAIL, String.join("; ", failures.subList(0, shown))
          + (failures.size() > shown ? "; and " + (failures.size() - shown) + " more" : ""));
    }

    private List<ContainerFacts> running() throws IOException {
      List<ContainerFacts> all = new ArrayList<>();
      for (ContainerSource s : options.containers()) {
        try {
          all.addAll(s.running(options.deadline()));
        } catch (IOException e) {
          throw new IOException("ask " + s.engine() + " for its running containers: " + e.getMessage(), e);
        }
      }
      all.sort(java.util.Comparator.comparing(ContainerFacts::engine).thenComparing(ContainerFacts::name).thenComparing(ContainerFacts::id));
      return all;
    }

    /** The host path a check's path names; empty when the setting that would name it is absent. */
    private Optional<String> path(String p) throws IOException {
      if (p.startsWith("/")) {
        return Optional.of(p);
      }
      if (p.startsWith("unit:")) {
        return SystemdUnit.load(root, p.substring(5)).map(SystemdUnit::file);
      }
      if (p.equals("kubelet-config")) {
        return kubelet.get().configFile();
      }
      if (p.startsWith("kubelet:")) {
        return kubelet.get().get(p.substring(8)).map(Setting::value).filter(v -> v.startsWith("/"));
      }
      if (p.equals("dockerd-config")) {
        return Optional.of(DockerdSettings.configFile(root)).filter(v -> v.startsWith("/"));
      }
      throw new IllegalStateException("unknown path reference " + p);
    }
  }

  private static String liveNeed(Audit a) {
    return switch (a) {
      case Audit.ProcessOf p -> "needs the running processes (" + p.program() + ")";
      case Audit.ContainerTest t -> "needs the running containers";
      default -> "needs a live host";
    };
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
