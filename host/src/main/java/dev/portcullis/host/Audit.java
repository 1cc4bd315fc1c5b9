package dev.portcullis.host;

import java.util.Locale;
import java.util.Optional;

/**
 * What a check looks at on the host. A path is an absolute host path, or one the host's own
 * settings name: {@code unit:NAME} (the unit file systemd would load), {@code kubelet-config} (the
 * kubelet's configuration file in use), {@code kubelet:FLAG} (a file a kubelet setting names),
 * {@code dockerd-config} (dockerd's configuration file).
 */
public sealed interface Audit {
  /** The kind's name as the check data writes it. */
  String kind();

  /** Whether the audit can only run on a live host. */
  default boolean liveOnly() {
    return false;
  }

  /** Whether a file exists ({@code test: present} or {@code absent}). */
  record FileExists(String path) implements Audit {
    @Override
    public String kind() {
      return "file";
    }
  }

  /**
   * A file's permission bits are within {@code maxMode} (no bit outside it) and it belongs to
   * {@code owner}/{@code group} (names from the host's own {@code /etc/passwd}/{@code /etc/group}, or numbers).
   * A missing file is not applicable.
   */
  record Permissions(String path, int maxMode, Optional<String> owner, Optional<String> group) implements Audit {
    @Override
    public String kind() {
      return "permissions";
    }
  }

  /** A setting as its daemon (or file) resolves it, tested by the check's test. */
  record SettingOf(Source source, String key, Optional<String> file) implements Audit {
    @Override
    public String kind() {
      return "setting";
    }

    @Override
    public boolean liveOnly() {
      return false;
    }
  }

  /** Where a setting is read. */
  enum Source {
    /** dockerd's flags and {@code daemon.json}. */
    DOCKERD,
    /** the kubelet's flags, config file and defaults. */
    KUBELET,
    /** podman's layered {@code containers.conf}. */
    CONTAINERS_CONF,
    /** a kernel parameter ({@code /proc/sys} live, sysctl files offline). */
    SYSCTL,
    /** the paths auditd watches. */
    AUDIT_RULES,
    /** one JSON file named by {@code file}. */
    JSON,
    /** one YAML file named by {@code file}. */
    YAML,
    /** one TOML file named by {@code file}. */
    TOML;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Source> parse(String word) {
      for (Source s : values()) {
        if (s.label().equals(word.strip().toLowerCase(Locale.ROOT))) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  /** The options of the file system mounted at a mount point ({@code /proc/self/mountinfo} live, {@code /etc/fstab} offline). */
  record MountOf(String mountPoint) implements Audit {
    @Override
    public String kind() {
      return "mount";
    }
  }

  /** The command line of a running program, by its file name (live only). */
  record ProcessOf(String program) implements Audit {
    @Override
    public String kind() {
      return "process";
    }

    @Override
    public boolean liveOnly() {
      return true;
    }
  }

  /** A test applied to every running container (live only). */
  record ContainerTest(String test) implements Audit {
    @Override
    public String kind() {
      return "container";
    }

    @Override
    public boolean liveOnly() {
      return true;
    }
  }

  /** No dockerd setting is given both as a flag and in its configuration file. */
  record DockerdConflicts() implements Audit {
    @Override
    public String kind() {
      return "dockerd-conflicts";
    }
  }
}
