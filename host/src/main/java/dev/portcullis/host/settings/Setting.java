package dev.portcullis.host.settings;

import java.util.Objects;

/**
 * One setting's effective value and where it came from, as the daemon would see it.
 *
 * @param key the setting's name as the check names it ({@code icc}, {@code anonymous-auth}, {@code containers.seccomp_profile})
 * @param value its value as text: booleans {@code true}/{@code false}, lists joined by {@code ,}
 * @param origin a flag, a file or the daemon's documented default
 * @param source where exactly: {@code /etc/docker/daemon.json}, {@code flag --icc=false (ExecStart of /lib/systemd/system/docker.service)}, {@code kubelet default}
 */
public record Setting(String key, String value, Origin origin, String source) {
  /** Where a value came from. */
  public enum Origin {
    FLAG,
    FILE,
    LIVE,
    DEFAULT
  }

  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(source, "source");
  }

  /** {@code key=value (source)}, the evidence a finding shows. */
  public String describe() {
    return key + "=" + value + " (" + source + ")";
  }
}
