package dev.portcullis.behaviour.capture;

import dev.portcullis.behaviour.Observation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;

/**
 * Learns what workloads do while they run: every connection each one makes or accepts (the first packet of each,
 * logged by an nftables rule in a table of our own inside the workload's network namespace, read with {@code
 * tcpdump -i nflog:GROUP}) and every program each one executes (Linux audit exec events, attributed by network
 * namespace through the kernel's own order of forks, setns and execs, the executable hashed as the process saw it).
 * Connections that last a millisecond are seen, and so is every exec in a workload's process tree however short (the
 * 50 ms subprocess, socat's per-connection child); a program started into a workload from outside ({@code ip netns
 * exec}, {@code nsenter}, {@code podman exec}) is seen when it outlives the reading of its setns event (milliseconds).
 * Only one learner or enforcer may use a workload's namespace at a time (they share the table name).
 * Memory is bounded: each kind of flow and process is kept once with a count, never each packet or exec.
 *
 * <p>While learning, nothing is blocked. When learning ends our table is deleted from every namespace and our audit
 * rules removed; nothing else in the namespaces or the host is changed at any time.
 */
public final class Learner {
  private Learner() {}

  /**
   * Starts learning; the workloads keep running as they are.
   *
   * @throws IOException when a workload has gone, a tool is missing or the kernel refuses a rule; nothing is left
   *     installed then
   */
  public static LearningSession start(List<Target> targets, WatchOptions options) throws IOException {
    return LearningSession.start(targets, options);
  }

  /**
   * Learns for {@code duration}, then returns one observation per target, in the targets' order.
   *
   * @throws IOException when a workload exited or its namespace vanished during learning (the message names it), or
   *     learning could not start
   */
  public static List<Observation> learn(List<Target> targets, Duration duration, WatchOptions options)
      throws IOException {
    try (LearningSession session = start(targets, options)) {
      try {
        session.awaitFailure(duration);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("learn: interrupted");
      }
      return session.stop();
    }
  }
}
