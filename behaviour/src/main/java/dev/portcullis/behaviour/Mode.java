package dev.portcullis.behaviour;

import java.util.Locale;

/** What enforcement does with behaviour outside a workload's profile. */
public enum Mode {
  /** Let it happen; log, count and report it. */
  MONITOR,
  /** Stop it (drop the connection, kill the process) and report it. */
  PROTECT;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Mode parse(String word) {
    for (Mode m : values()) {
      if (m.word().equals(word)) {
        return m;
      }
    }
    throw new IllegalArgumentException(Workload.quoted(word) + " is not a mode (monitor, protect)");
  }
}
