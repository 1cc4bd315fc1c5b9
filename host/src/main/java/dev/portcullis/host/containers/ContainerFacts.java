package dev.portcullis.host.containers;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a container engine says about one running container, read from its own inspect data.
 *
 * @param engine the engine that runs it ({@code podman} or {@code docker})
 * @param id the engine's container ID
 * @param name the container's name, without a leading slash
 * @param image the image it was started from, as the engine names it
 * @param privileged started with {@code --privileged}
 * @param pidMode the PID namespace mode ({@code host} when shared with the host; empty when private)
 * @param networkMode the network mode ({@code host} when shared with the host)
 * @param ipcMode the IPC namespace mode ({@code host} when shared with the host)
 * @param utsMode the UTS namespace mode ({@code host} when shared with the host)
 * @param usernsMode the user namespace mode ({@code host} when shared with the host; empty when the engine's default)
 * @param addedCapabilities capabilities added to the engine's default set, upper case without {@code CAP_}
 * @param mounts its bind mounts and volumes
 * @param memoryLimitBytes the memory limit, 0 when unlimited
 * @param pidsLimit the PIDs limit, 0 or negative when unlimited
 * @param user the user it runs as, as given to the engine (empty when the image's default)
 * @param seccompProfile the seccomp profile ({@code unconfined} when disabled; empty when the engine's default)
 * @param apparmorProfile the AppArmor profile ({@code unconfined} when disabled; empty when none applies)
 * @param readOnlyRootfs its root file system is mounted read-only
 */
public record ContainerFacts(
    String engine,
    String id,
    String name,
    String image,
    boolean privileged,
    String pidMode,
    String networkMode,
    String ipcMode,
    String utsMode,
    String usernsMode,
    List<String> addedCapabilities,
    List<Mount> mounts,
    long memoryLimitBytes,
    long pidsLimit,
    String user,
    String seccompProfile,
    String apparmorProfile,
    boolean readOnlyRootfs) {

  public ContainerFacts {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(pidMode, "pidMode");
    Objects.requireNonNull(networkMode, "networkMode");
    Objects.requireNonNull(ipcMode, "ipcMode");
    Objects.requireNonNull(utsMode, "utsMode");
    Objects.requireNonNull(usernsMode, "usernsMode");
    addedCapabilities = List.copyOf(addedCapabilities);
    mounts = List.copyOf(mounts);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(seccompProfile, "seccompProfile");
    Objects.requireNonNull(apparmorProfile, "apparmorProfile");
  }

  /**
   * One mount of a host path or volume into the container.
   *
   * @param source the host path (for a bind) or the volume's name
   * @param destination the path inside the container
   * @param readWrite writable from inside the container
   */
  public record Mount(String source, String destination, boolean readWrite) {
    public Mount {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(destination, "destination");
    }
  }

  /** A test applied to each running container by a live host check; its name is the check's audit key. */
  public interface Test {
    /** The audit key a check names, kebab-case, e.g. {@code privileged} or {@code sensitive-mount}. */
    String name();

    /** Empty when the container passes; otherwise what was found, in one line (e.g. {@code mounts / at /host}). */
    Optional<String> failure(ContainerFacts container);
  }
}
