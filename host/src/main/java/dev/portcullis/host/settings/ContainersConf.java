package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * podman's {@code containers.conf} as the containers/common library layers it: the vendor file
 * {@code /usr/share/containers/containers.conf}, the system file {@code /etc/containers/containers.conf},
 * its drop-ins {@code /etc/containers/containers.conf.d/*.conf} in name order, then for a rootless
 * user {@code $HOME/.config/containers/containers.conf} and its {@code .d} drop-ins. When
 * {@code CONTAINERS_CONF} is set it is the only file read; {@code CONTAINERS_CONF_OVERRIDE} is read
 * last. A later file wins per key; each value names the file that decided it.
 *
 * @param files the files read, in order
 * @param values dotted TOML keys ({@code containers.seccomp_profile}) to their effective value
 */
public record ContainersConf(List<String> files, Map<String, Setting> values) {
  /** podman 4's built-in values for the keys the checks read. */
  private static final Map<String, String> DEFAULTS = Map.of(
      "containers.pidns", "private", "containers.netns", "private", "containers.ipcns", "shareable", "containers.utsns", "private",
      "containers.pids_limit", "2048", "containers.seccomp_profile", "/usr/share/containers/seccomp.json",
      "containers.default_capabilities", "CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT",
      "containers.userns", "host", "engine.events_logger", "journald");

  public ContainersConf {
    files = List.copyOf(files);
    values = Map.copyOf(values);
  }

  /** Whether a host has podman; empty when it has, else why not. */
  public static Optional<String> absence(Root root) throws RootProblem {
    for (String p : List.of("/usr/bin/podman", "/usr/local/bin/podman", "/usr/bin/podman-remote")) {
      if (root.exists(p)) {
        return Optional.empty();
      }
    }
    return Optional.of("podman is not installed: no /usr/bin/podman");
  }

  /**
   * @param userHome the rootless user's home as a host path, when a rootless setup is checked
   * @param env the environment podman would run with ({@code CONTAINERS_CONF}, {@code CONTAINERS_CONF_OVERRIDE})
   */
  public static ContainersConf resolve(Root root, Optional<String> userHome, Map<String, String> env) throws RootProblem {
    List<String> files = new ArrayList<>();
    String only = env.get("CONTAINERS_CONF");
    if (only != null && !only.isBlank()) {
      files.add(only);
    } else {
      files.add("/usr/share/containers/containers.conf");
      files.add("/etc/containers/containers.conf");
      dropIns(root, "/etc/containers/containers.conf.d", files);
      if (userHome.isPresent()) {
        files.add(userHome.get() + "/.config/containers/containers.conf");
        dropIns(root, userHome.get() + "/.config/containers/containers.conf.d", files);
      }
    }
    String override = env.get("CONTAINERS_CONF_OVERRIDE");
    if (override != null && !override.isBlank()) {
      files.add(override);
    }
    Map<String, Setting> values = new TreeMap<>();
    DEFAULTS.forEach((k, v) -> values.put(k, new Setting(k, v, Origin.DEFAULT, "podman default")));
    List<String> read = new ArrayList<>();
    for (String f : files) {
      if (!f.startsWith("/")) {
        continue;
      }
      Optional<Map<String, String>> keys = ConfigFiles.read(root, f, ConfigFormat.TOML);
      if (keys.isPresent()) {
        read.add(f);
        keys.get().forEach((k, v) -> values.put(k, new Setting(k, v, Origin.FILE, f)));
      }
    }
    return new ContainersConf(read, values);
  }

  private static void dropIns(Root root, String dir, List<String> files) throws RootProblem {
    for (String name : root.list(dir)) {
      if (name.endsWith(".conf")) {
        files.add(dir + "/" + name);
      }
    }
  }

  public Optional<Setting> get(String key) {
    return Optional.ofNullable(values.get(key));
  }
}
