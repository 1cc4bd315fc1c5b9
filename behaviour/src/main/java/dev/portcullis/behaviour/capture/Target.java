package dev.portcullis.behaviour.capture;

import dev.portcullis.behaviour.Workload;
import java.nio.file.Path;

/**
 * A running workload found through its reference: the workload (name, labels, image digest, addresses) and the
 * network namespace it is, which is its identity.
 *
 * @param workload the workload, with the addresses its namespace had when resolved
 * @param reference what it was resolved from ({@code netns:web}, {@code pid:1234}, {@code podman:db})
 * @param netns a path to its network namespace ({@code /run/netns/NAME} or {@code /proc/PID/ns/net})
 * @param inode the namespace's inode when resolved; the path no longer leading to it means the workload has gone
 */
public record Target(Workload workload, String reference, Path netns, long inode) {
  public Target {
    if (inode <= 0) {
      throw new IllegalArgumentException("workload " + workload.name() + ": " + inode + " is not a namespace inode");
    }
  }

  /** The workload's name. */
  public String name() {
    return workload.name();
  }
}
