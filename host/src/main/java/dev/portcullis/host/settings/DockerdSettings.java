package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import dev.portcullis.host.settings.SystemdUnit.Word;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * dockerd's settings as it resolves them: its command-line flags (from the running process when
 * live, else from {@code ExecStart} of {@code docker.service} and its drop-ins) beside its
 * configuration file ({@code --config-file}, default {@code /etc/docker/daemon.json}), then its
 * defaults. A setting given both as a flag and in the file is a {@link Conflict}: dockerd refuses to
 * start then. Keys are the {@code daemon.json} names ({@code icc}, {@code insecure-registries}).
 *
 * @param commandLine where the flags were read, or empty when neither a process nor a unit gave one
 * @param configFile the configuration file's host path, whether or not it exists
 * @param configFound whether it exists
 * @param values every key known from a flag, the file or a default; a conflicting key holds the flag's value
 * @param conflicts the keys set both ways, sorted
 */
public record DockerdSettings(Optional<String> commandLine, String configFile, boolean configFound, Map<String, Setting> values,
    List<Conflict> conflicts) {
  public static final String DEFAULT_CONFIG = "/etc/docker/daemon.json";

  /** A setting given both as a flag and in the configuration file. */
  public record Conflict(String key, Flags.Flag flag, Setting file) {
    public String describe() {
      return key + " is set both as " + flag.describe() + " and in " + file.source() + " (" + key + "=" + file.value()
          + "); dockerd refuses to start with a setting given both ways";
    }
  }

  public DockerdSettings {
    values = Map.copyOf(values);
    conflicts = List.copyOf(conflicts);
  }

  /** The flag names (without dashes) that are {@code daemon.json} keys of another name. */
  private static final Map<String, String> FLAG_TO_KEY = Map.ofEntries(
      Map.entry("insecure-registry", "insecure-registries"), Map.entry("host", "hosts"), Map.entry("default-ulimit", "default-ulimits"),
      Map.entry("authorization-plugin", "authorization-plugins"), Map.entry("log-opt", "log-opts"), Map.entry("registry-mirror", "registry-mirrors"),
      Map.entry("dns", "dns"), Map.entry("label", "labels"), Map.entry("storage-opt", "storage-opts"), Map.entry("exec-opt", "exec-opts"));

  private static final Set<String> BOOLEANS = Set.of("icc", "iptables", "ip6tables", "ip-forward", "ip-masq", "tls", "tlsverify", "live-restore",
      "userland-proxy", "no-new-privileges", "selinux-enabled", "experimental", "debug", "rootless", "init");

  private static final Set<String> LISTS = Set.of("insecure-registry", "host", "default-ulimit", "authorization-plugin", "log-opt",
      "registry-mirror", "dns", "label", "storage-opt", "exec-opt");

  private static final Map<String, String> SHORT = Map.of("H", "host", "s", "storage-driver", "D", "debug", "l", "log-level", "G", "group",
      "g", "graph", "p", "pidfile");

  /** dockerd's defaults for the keys the checks read (dockerd 20.10 to 27). */
  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("icc", "true"), Map.entry("iptables", "true"), Map.entry("ip-forward", "true"), Map.entry("log-level", "info"),
      Map.entry("live-restore", "false"), Map.entry("userland-proxy", "true"), Map.entry("no-new-privileges", "false"),
      Map.entry("experimental", "false"), Map.entry("tlsverify", "false"), Map.entry("tls", "false"), Map.entry("selinux-enabled", "false"),
      Map.entry("log-driver", "json-file"), Map.entry("hosts", "unix:///var/run/docker.sock"), Map.entry("data-root", "/var/lib/docker"),
      Map.entry("debug", "false"));

  /** Whether a host has Docker: a {@code dockerd} binary or a {@code docker.service} unit; empty when it has, else why not. */
  public static Optional<String> absence(Root root) throws RootProblem {
    for (String p : List.of("/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd")) {
      if (root.exists(p)) {
        return Optional.empty();
      }
    }
    if (SystemdUnit.load(root, "docker.service").isPresent()) {
      return Optional.empty();
    }
    return Optional.of("docker is not installed: no /usr/bin/dockerd, no docker.service");
  }

  /** The configuration file dockerd reads: {@code --config-file}, else {@value #DEFAULT_CONFIG}; the file itself is not read. */
  public static String configFile(Root root) throws RootProblem {
    return commandLine(root).flags.get("config-file").map(Flags.Flag::value).orElse(DEFAULT_CONFIG);
  }

  private record CommandLine(Optional<String> where, Flags flags) {}

  private static CommandLine commandLine(Root root) throws RootProblem {
    Optional<List<Word>> live = Processes.commandLine(root, "dockerd");
    Optional<String> where = live.map(w -> w.get(0).source());
    List<Word> words = live.orElse(List.of());
    if (live.isEmpty()) {
      Optional<SystemdUnit> unit = SystemdUnit.load(root, "docker.service");
      if (unit.isPresent() && !unit.get().execStart().isEmpty()) {
        words = unit.get().execStart();
        where = Optional.of("ExecStart of " + unit.get().name());
      }
    }
    return new CommandLine(where, Flags.parse(words, BOOLEANS, LISTS, SHORT));
  }

  public static DockerdSettings resolve(Root root) throws RootProblem {
    CommandLine cl = commandLine(root);
    Optional<String> where = cl.where();
    Flags flags = cl.flags();
    String configFile = flags.get("config-file").map(Flags.Flag::value).orElse(DEFAULT_CONFIG);
    Map<String, Setting> values = new TreeMap<>();
    DEFAULTS.forEach((k, v) -> values.put(k, new Setting(k, v, Origin.DEFAULT, "dockerd default")));
    Optional<Map<String, String>> file = configFile.startsWith("/") ? ConfigFiles.read(root, configFile, ConfigFormat.JSON) : Optional.empty();
    Map<String, Setting> fromFile = new TreeMap<>();
    file.ifPresent(f -> f.forEach((k, v) -> {
      if (!k.contains("[")) {
        fromFile.put(k, new Setting(k, v, Origin.FILE, configFile));
      }
    }));
    values.putAll(fromFile);
    List<Conflict> conflicts = new java.util.ArrayList<>();
    for (Flags.Flag f : flags.values().values()) {
      String key = FLAG_TO_KEY.getOrDefault(f.name(), f.name());
      if (f.name().equals("config-file")) {
        continue;
      }
      Setting s = new Setting(key, f.value(), Origin.FLAG, "flag --" + f.name() + " (" + f.source() + ")");
      Setting inFile = fromFile.get(key);
      if (inFile != null) {
        conflicts.add(new Conflict(key, f, inFile));
      }
      values.put(key, s);
    }
    conflicts.sort(java.util.Comparator.comparing(Conflict::key));
    return new DockerdSettings(where, configFile, file.isPresent(), values, conflicts);
  }

  public Optional<Setting> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public Optional<Conflict> conflict(String key) {
    return conflicts.stream().filter(c -> c.key().equals(key)).findFirst();
  }
}
