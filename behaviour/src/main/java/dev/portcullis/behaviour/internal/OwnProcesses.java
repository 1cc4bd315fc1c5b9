package dev.portcullis.behaviour.internal;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The processes this engine started itself (nft, tcpdump, auditd), so that their execs are never taken for a
 * workload's. A process is registered under the same lock it is started under, and the audit reader asks under that
 * lock: an exec event can only be read after the exec, so it never sees a process of ours before it is registered.
 */
public final class OwnProcesses {
  private final Set<Long> pids = new HashSet<>();

  /** Starts {@code builder}'s command and remembers its PID until it exits. */
  public Process start(ProcessBuilder builder) throws IOException {
    Process process;
    synchronized (pids) {
      process = builder.start();
      pids.add(process.pid());
    }
    long pid = process.pid();
    process.onExit().thenRun(() -> {
      synchronized (pids) {
        pids.remove(pid);
      }
    });
    return process;
  }

  /** Whether {@code pid} is a process this engine started and that has not exited yet. */
  public boolean owns(long pid) {
    synchronized (pids) {
      return pids.contains(pid);
    }
  }
}
