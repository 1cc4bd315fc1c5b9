package dev.portcullis.host.settings;

import dev.portcullis.host.root.Root;
import dev.portcullis.host.root.RootProblem;
import dev.portcullis.host.settings.Setting.Origin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A kernel parameter: live, the kernel's current value from {@code /proc/sys}; offline, the value
 * the host would set at boot, as {@code systemd-sysctl} reads its files ({@code *.conf} of
 * {@code /etc/sysctl.d}, {@code /run/sysctl.d}, {@code /usr/local/lib/sysctl.d}, {@code /usr/lib/sysctl.d}
 * and {@code /lib/sysctl.d} in name order, a name in an earlier directory hiding the same name in a
 * later one, then {@code /etc/sysctl.conf}; the last assignment wins), else the kernel's default.
 */
public final class Sysctls {
  private static final List<String> DIRECTORIES = List.of("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
      "/lib/sysctl.d");

  /** The upstream kernel's defaults for the parameters the checks read. */
  private static final Map<String, String> KERNEL_DEFAULTS = Map.of("net.ipv4.ip_forward", "0", "kernel.randomize_va_space", "2",
      "fs.suid_dumpable", "0", "fs.protected_hardlinks", "0", "fs.protected_symlinks", "0", "kernel.yama.ptrace_scope", "0",
      "kernel.dmesg_restrict", "0", "net.ipv4.conf.all.send_redirects", "1");

  private Sysctls() {}

  public static Optional<Setting> get(Root root, String key) throws RootProblem {
    if (!key.matches("[a-z0-9_]+(\\.[a-z0-9_-]+)+")) {
      throw new IllegalArgumentException("not a sysctl name: " + key);
    }
    if (root.isLive()) {
      String file = "/proc/sys/" + key.replace('.', '/');
      return root.readText(file, 4096).map(v -> new Setting(key, v.strip(), Origin.LIVE, file));
    }
    Map<String, String> byName = new TreeMap<>();
    for (int i = DIRECTORIES.size() - 1; i >= 0; i--) {
      for (String f : root.list(DIRECTORIES.get(i))) {
        if (f.endsWith(".conf")) {
          byName.put(f, DIRECTORIES.get(i) + "/" + f);
        }
      }
    }
    List<String> files = new java.util.ArrayList<>(byName.values());
    files.add("/etc/sysctl.conf");
    Setting found = null;
    for (String f : files) {
      for (String raw : root.readText(f).orElse("").lines().toList()) {
        String line = raw.strip();
        if (line.startsWith("-")) {
          line = line.substring(1).strip();
        }
        int eq = line.indexOf('=');
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || eq <= 0) {
          continue;
        }
        if (line.substring(0, eq).strip().replace('/', '.').equals(key)) {
          found = new Setting(key, line.substring(eq + 1).strip(), Origin.FILE, f);
        }
      }
    }
    if (found != null) {
      return Optional.of(found);
    }
    return Optional.ofNullable(KERNEL_DEFAULTS.get(key)).map(v -> new Setting(key, v, Origin.DEFAULT, "kernel default, no sysctl file sets it"));
  }
}
