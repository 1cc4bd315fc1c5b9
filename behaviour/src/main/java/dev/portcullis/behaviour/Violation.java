package dev.portcullis.behaviour;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Behaviour outside a workload's profile, seen while its profile was enforced. */
public sealed interface Violation permits Violation.OfFlow, Violation.OfProcess {
  /** The workload that did it. */
  String workload();

  /** When it was seen. */
  Instant time();

  /** Whether it was let through (monitor) or stopped (protect). */
  Outcome outcome();

  /** One line: {@code web: egress tcp/5432 db dropped (protect)}. */
  String describe();

  /** What enforcement did. */
  enum Outcome {
    ALLOWED,
    STOPPED
  }

  /** A connection no learned flow allows. */
  record OfFlow(
      String workload, Instant time, Outcome outcome, Flow.Direction direction, Peer peer, Flow.Protocol protocol,
      int port) implements Violation {
    @Override
    public String describe() {
      return workload + ": " + direction.word() + " " + protocol.word() + (protocol == Flow.Protocol.ICMP ? "" : "/"
          + port) + " " + peer.text() + (outcome == Outcome.STOPPED ? " dropped (protect)" : " allowed (monitor)");
    }
  }

  /**
   * An executed program the workload's process allowlist does not hold.
   *
   * @param pid the process ID, in the host's PID namespace
   * @param user the effective UID
   * @param parent the executable of its parent, when known
   * @param stoppedAfter in protect mode, how long after the exec the kill was sent (outcome stopped), or the process
   *     was found to have ended already, too soon to be killed (outcome allowed); null in monitor mode
   */
  record OfProcess(
      String workload, Instant time, Outcome outcome, String executable, String arguments, long pid, String user,
      @Nullable String parent, @Nullable Duration stoppedAfter) implements Violation {
    /** A violation whose stop was not timed. */
    public OfProcess(String workload, Instant time, Outcome outcome, String executable, String arguments, long pid,
        String user, @Nullable String parent) {
      this(workload, time, outcome, executable, arguments, pid, user, parent, null);
    }

    @Override
    public String describe() {
      return workload + ": exec " + executable + (arguments.isEmpty() ? "" : " " + arguments) + " (pid " + pid
          + ", uid " + user + ")" + (outcome == Outcome.STOPPED ? " killed" + (stoppedAfter == null ? ""
          : " " + stoppedAfter.toMillis() + " ms after the exec") + " (protect)" : stoppedAfter != null
          ? " ended before it could be killed, " + stoppedAfter.toMillis() + " ms after the exec (protect)"
          : " allowed (monitor)");
    }
  }
}
