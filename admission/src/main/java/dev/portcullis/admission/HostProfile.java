package dev.portcullis.admission;

import java.util.Set;

/**
 * The host isolation a runtime hook or an engine plugin enforces on every container.
 *
 * @param podSecurity the Pod Security Standards level the container's host access is checked against
 * @param allowedCapabilities capabilities a container may add ({@code NET_BIND_SERVICE}, ...)
 * @param refuseHostUser refuse containers without a user namespace of their own
 * @param requireReadOnlyRoot refuse containers whose root file system is writable
 */
public record HostProfile(StagePolicy.PodSecurity podSecurity, Set<String> allowedCapabilities, boolean refuseHostUser,
    boolean requireReadOnlyRoot) {
  public HostProfile {
    allowedCapabilities = Set.copyOf(allowedCapabilities);
  }
}
