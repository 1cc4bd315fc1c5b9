package dev.portcullis.admission;

import java.util.List;
import java.util.Optional;

/**
 * What a container asks of its host, as an OCI runtime or a Docker engine sees it (Kubernetes
 * requests are checked from their pod spec directly).
 *
 * @param privileged all capabilities and devices, no confinement
 * @param hostPid shares the host's PID namespace
 * @param hostIpc shares the host's IPC namespace
 * @param hostNetwork shares the host's network namespace
 * @param hostUser no user namespace of its own (root in the container is root on the host)
 * @param hostPaths host paths bind-mounted into the container
 * @param addedCapabilities capabilities beyond the runtime's defaults
 * @param seccompUnconfined no seccomp filter
 * @param readOnlyRoot its root file system is read-only
 * @param user the user it runs as, when known ({@code 0}, {@code 1000}, {@code app})
 */
public record HostAccess(boolean privileged, boolean hostPid, boolean hostIpc, boolean hostNetwork, boolean hostUser,
    List<String> hostPaths, List<String> addedCapabilities, boolean seccompUnconfined, boolean readOnlyRoot, Optional<String> user) {
  public HostAccess {
    hostPaths = List.copyOf(hostPaths);
    addedCapabilities = List.copyOf(addedCapabilities);
  }
}
