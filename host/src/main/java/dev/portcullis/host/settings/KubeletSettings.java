package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import dev.portcullis.host.settings.SystemdUnit.Word;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kubelet's settings as the kubelet resolves them: a command-line flag (from the running
 * process when live, else from {@code ExecStart} of {@code kubelet.service} with its drop-ins and
 * environment files, e.g. kubeadm's {@code 10-kubeadm.conf} and {@code /etc/default/kubelet}) over
 * the configuration file named by {@code --config} over the kubelet's documented default. The
 * default differs by whether a configuration file is in use (the file's type has safer defaults
 * than the flags: anonymous authentication off, webhook authorization, read-only port 0).
 * Keys are the flag names ({@code anonymous-auth}); {@link #KEYS} lists those mapped to the file.
 *
 * @param commandLine where the flags were read, or empty when neither a process nor a unit gave one
 * @param configFile the configuration file in use, if any
 * @param configNote how the configuration file was found ({@code --config flag (...)} or an assumption)
 */
public record KubeletSettings(Optional<String> commandLine, Flags flags, Optional<String> configFile, String configNote,
    Map<String, String> config) {
  public static final String DEFAULT_CONFIG = "/var/lib/kubelet/config.yaml";

  /** A kubelet flag, its field in the {@code KubeletConfiguration} file, and its default with and without a file. */
  public record Key(String flag, String field, Optional<String> flagDefault, Optional<String> fileDefault) {}

  private static Key key(String flag, String field, String flagDefault, String fileDefault) {
    return new Key(flag, field, Optional.ofNullable(flagDefault), Optional.ofNullable(fileDefault));
  }

  /** The settings the checks read; defaults from the kubelet's reference (v1.27 to v1.31). */
  public static final List<Key> KEYS = List.of(
      key("anonymous-auth", "authentication.anonymous.enabled", "true", "false"),
      key("authorization-mode", "authorization.mode", "AlwaysAllow", "Webhook"),
      key("client-ca-file", "authentication.x509.clientCAFile", null, null),
      key("read-only-port", "readOnlyPort", "10255", "0"),
      key("streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", "4h0m0s", "4h0m0s"),
      key("protect-kernel-defaults", "protectKernelDefaults", "false", "false"),
      key("make-iptables-util-chains", "makeIPTablesUtilChains", "true", "true"),
      key("hostname-override", "", null, null),
      key("tls-cert-file", "tlsCertFile", null, null),
      key("tls-private-key-file", "tlsPrivateKeyFile", null, null),
      key("rotate-certificates", "rotateCertificates", "false", "false"),
      key("rotate-server-certificates", "serverTLSBootstrap", "false", "false"),
      key("tls-cipher-suites", "tlsCipherSuites", null, null),
      key("pod-max-pids", "podPidsLimit", "-1", "-1"),
      key("seccomp-default", "seccompDefault", "false", "false"),
      key("event-qps", "eventRecordQPS", "50", "50"),
      key("kubeconfig", "", null, null),
      key("config", "", null, null));

  private static final Set<String> BOOLEANS = Set.of("anonymous-auth", "protect-kernel-defaults", "make-iptables-util-chains",
      "rotate-certificates", "rotate-server-certificates", "seccomp-default", "fail-swap-on", "v");

  public KubeletSettings {
    config = Map.copyOf(config);
  }

  /** Whether a host has a kubelet; empty when it has, else why not. */
  public static Optional<String> absence(Root root) throws RootProblem {
    for (String p : List.of("/usr/bin/kubelet", "/usr/local/bin/kubelet", DEFAULT_CONFIG, "/etc/kubernetes/kubelet.conf")) {
      if (root.exists(p)) {
        return Optional.empty();
      }
    }
    if (SystemdUnit.load(root, "kubelet.service").isPresent()) {
      return Optional.empty();
    }
    return Optional.of("no kubelet: no /usr/bin/kubelet, no kubelet.service, no " + DEFAULT_CONFIG);
  }

  public static KubeletSettings resolve(Root root) throws RootProblem {
    Optional<List<Word>> live = Processes.commandLine(root, "kubelet");
    Optional<String> where = live.map(w -> w.get(0).source());
    List<Word> words = live.orElse(List.of());
    if (live.isEmpty()) {
      Optional<SystemdUnit> unit = SystemdUnit.load(root, "kubelet.service");
      if (unit.isPresent() && !unit.get().execStart().isEmpty()) {
        words = unit.get().execStart();
        where = Optional.of("ExecStart of " + unit.get().name());
      }
    }
    Flags flags = Flags.parse(words, BOOLEANS, Set.of(), Map.of());
    Optional<Flags.Flag> configFlag = flags.get("config");
    Optional<String> configFile;
    String note;
    if (configFlag.isPresent()) {
      configFile = Optional.of(configFlag.get().value());
      note = "named by " + configFlag.get().describe();
      if (!configFile.get().startsWith("/") || !root.exists(configFile.get())) {
        throw new RootProblem("kubelet " + configFlag.get().describe() + " names " + configFile.get()
            + ", which does not exist on this host (the kubelet would not start)");
      }
    } else if (root.exists(DEFAULT_CONFIG)) {
      configFile = Optional.of(DEFAULT_CONFIG);
      note = "assumed: no --config flag was found, and " + DEFAULT_CONFIG + " exists";
    } else {
      configFile = Optional.empty();
      note = "none: no --config flag and no " + DEFAULT_CONFIG;
    }
    Map<String, String> config = configFile.isPresent()
        ? ConfigFiles.read(root, configFile.get(), ConfigFormat.YAML).orElse(Map.of()) : Map.of();
    return new KubeletSettings(where, flags, configFile, note, config);
  }

  /** The effective value of the flag-named setting {@code name}: flag, else config file field, else default. */
  public Optional<Setting> get(String name) {
    Optional<Flags.Flag> f = flags.get(name);
    if (f.isPresent()) {
      return Optional.of(new Setting(name, f.get().value(), Origin.FLAG, "flag --" + name + " in " + f.get().source()));
    }
    Optional<Key> k = KEYS.stream().filter(x -> x.flag().equals(name)).findFirst();
    String field = k.map(Key::field).orElse(name);
    if (configFile.isPresent() && !field.isEmpty() && config.containsKey(field)) {
      return Optional.of(new Setting(name, config.get(field), Origin.FILE, field + " in " + configFile.get()));
    }
    Optional<String> def = k.flatMap(x -> configFile.isPresent() ? x.fileDefault() : x.flagDefault());
    return def.map(d -> new Setting(name, d, Origin.DEFAULT, "kubelet default" + (configFile.isPresent() ? " with a config file" : " without a config file")));
  }
}
