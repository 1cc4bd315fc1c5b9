package dev.portcullis.host.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The built-in tests a live host check applies to each running container, listed once. Each test judges one fact of
 * {@link ContainerFacts} as the engine reported it and, when the container fails, says in one line which container
 * and what was found.
 *
 * <ul>
 *   <li>{@code privileged}: started with {@code --privileged}.
 *   <li>{@code host-pid}, {@code host-network}, {@code host-ipc}, {@code host-uts}: shares that namespace with the
 *       host (mode {@code host}).
 *   <li>{@code host-userns}: explicitly shares the host's user namespace ({@code --userns=host}). An engine that
 *       runs containers without a user namespace by default reports an empty mode, which passes: the test is about
 *       opting a container out of a remapping the engine applies (CIS Docker Benchmark 5.31), not about the engine's
 *       default, which a daemon check judges.
 *   <li>{@code added-capabilities}: capabilities added beyond the engines' default set ({@code AUDIT_WRITE CHOWN
 *       DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE NET_RAW SETFCAP SETGID SETPCAP SETUID SYS_CHROOT});
 *       adding one of those changes nothing and passes. The failure names the added capabilities.
 *   <li>{@code sensitive-mount}: mounts a sensitive host directory ({@code / /boot /dev /etc /lib /proc /sys /usr}
 *       or anything under them except {@code /}'s other children), an engine's socket directory ({@code
 *       /var/run/docker.sock /run/docker.sock /run/podman /var/run/podman /run/containerd /var/run/containerd
 *       /run/crio /var/run/crio}), or any file named {@code docker.sock}, {@code podman.sock}, {@code
 *       containerd.sock} or {@code crio.sock}; read-only mounts fail too, the message says which are writable.
 *       Only the time zone files ({@code /etc/localtime}, {@code /etc/timezone}, {@code /usr/share/zoneinfo} and
 *       below) may be mounted read-only: containers commonly do, and they tell nothing and change nothing.
 *   <li>{@code memory-limit}: no memory limit (0).
 *   <li>{@code pids-limit}: no PIDs limit (0 or negative).
 *   <li>{@code runs-as-root}: the configured user is empty (the image's default user, which is root unless the image
 *       says otherwise; inspect data does not say which, so empty fails and the message says so), {@code root} or
 *       {@code 0}, with or without a group.
 *   <li>{@code seccomp}: seccomp explicitly disabled ({@code seccomp=unconfined}).
 *   <li>{@code apparmor}: AppArmor explicitly disabled (profile {@code unconfined}). An empty profile passes: an
 *       engine applies its default profile to every container whenever the host's kernel enforces AppArmor, so an
 *       empty profile means the host has no AppArmor (it may use SELinux, or no LSM at all), which is a finding
 *       about the host, judged by a host check, not repeated for each container.
 *   <li>{@code read-only-rootfs}: its root file system is writable.
 * </ul>
 */
public final class ContainerTests {
  /** The capabilities Docker and podman give a container by default; adding one of them adds nothing. */
  public static final Set<String> DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
      "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");

  /** Host directories whose mount (at any depth below, except for {@code /}) fails {@code sensitive-mount}. */
  public static final List<String> SENSITIVE_DIRECTORIES = List.of("/", "/boot", "/dev", "/etc", "/lib", "/proc",
      "/sys", "/usr", "/var/run/docker.sock", "/run/docker.sock", "/run/podman", "/var/run/podman", "/run/containerd",
      "/var/run/containerd", "/run/crio", "/var/run/crio");

  /** Host paths under a sensitive directory that may be mounted read-only (at any depth below). */
  public static final List<String> READ_ONLY_ALLOWED = List.of("/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo");

  /** File names of engine sockets, wherever they are, whose mount fails {@code sensitive-mount}. */
  public static final Set<String> ENGINE_SOCKETS = Set.of("docker.sock", "podman.sock", "containerd.sock", "crio.sock");

  private static final List<ContainerFacts.Test> ALL = List.of(
      test("privileged", c -> c.privileged() ? Optional.of("runs privileged") : Optional.empty()),
      hostNamespace("host-pid", "PID", ContainerFacts::pidMode),
      hostNamespace("host-network", "network", ContainerFacts::networkMode),
      hostNamespace("host-ipc", "IPC", ContainerFacts::ipcMode),
      hostNamespace("host-uts", "UTS", ContainerFacts::utsMode),
      hostNamespace("host-userns", "user", ContainerFacts::usernsMode),
      test("added-capabilities", ContainerTests::addedCapabilities),
      test("sensitive-mount", ContainerTests::sensitiveMounts),
      test("memory-limit", c -> c.memoryLimitBytes() <= 0 ? Optional.of("has no memory limit") : Optional.empty()),
      test("pids-limit", c -> c.pidsLimit() <= 0 ? Optional.of("has no PIDs limit") : Optional.empty()),
      test("runs-as-root", ContainerTests::runsAsRoot),
      test("seccomp", c -> c.seccompProfile().equals("unconfined")
          ? Optional.of("runs without seccomp (seccomp=unconfined)") : Optional.empty()),
      test("apparmor", c -> c.apparmorProfile().equals("unconfined")
          ? Optional.of("runs without AppArmor (profile unconfined)") : Optional.empty()),
      test("read-only-rootfs", c -> c.readOnlyRootfs() ? Optional.empty()
          : Optional.of("has a writable root file system")));

  private ContainerTests() {}

  /** Every built-in test, in the order of their check IDs. */
  public static List<ContainerFacts.Test> all() {
    return ALL;
  }

  /** The built-in test of that name; empty when there is none. */
  public static Optional<ContainerFacts.Test> named(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  private static Optional<String> addedCapabilities(ContainerFacts c) {
    List<String> added = c.addedCapabilities().stream().filter(cap -> !DEFAULT_CAPABILITIES.contains(cap)).toList();
    return added.isEmpty() ? Optional.empty() : Optional.of("adds capabilities " + String.join(", ", added));
  }

  private static Optional<String> sensitiveMounts(ContainerFacts c) {
    List<String> found = new ArrayList<>();
    for (ContainerFacts.Mount m : c.mounts()) {
      if (isSensitive(m.source()) && (m.readWrite() || !isUnder(m.source(), READ_ONLY_ALLOWED))) {
        found.add(m.source() + " at " + m.destination() + (m.readWrite() ? " (writable)" : " (read-only)"));
      }
    }
    return found.isEmpty() ? Optional.empty() : Optional.of("mounts " + String.join(", ", found));
  }

  /** True for a host path {@code sensitive-mount} fails on. */
  public static boolean isSensitive(String source) {
    if (source.isEmpty()) {
      return false;
    }
    String path = source.length() > 1 && source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
    if (ENGINE_SOCKETS.contains(path.substring(path.lastIndexOf('/') + 1))) {
      return true;
    }
    for (String dir : SENSITIVE_DIRECTORIES) {
      if (path.equals(dir) || (!dir.equals("/") && path.startsWith(dir + "/"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUnder(String source, List<String> dirs) {
    for (String dir : dirs) {
      if (source.equals(dir) || source.startsWith(dir + "/")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<String> runsAsRoot(ContainerFacts c) {
    String user = c.user().strip();
    if (user.isEmpty()) {
      return Optional.of("runs as the image's default user (root unless the image sets USER), no --user given");
    }
    int colon = user.indexOf(':');
    String name = colon < 0 ? user : user.substring(0, colon);
    if (name.equals("root") || name.equals("0")) {
      return Optional.of("runs as root (user " + user + ")");
    }
    return Optional.empty();
  }

  private static ContainerFacts.Test hostNamespace(String name, String namespace, Function<ContainerFacts, String> mode) {
    return test(name, c -> mode.apply(c).equals("host")
        ? Optional.of("shares the host's " + namespace + " namespace") : Optional.empty());
  }

  private static ContainerFacts.Test test(String name, Function<ContainerFacts, Optional<String>> judge) {
    return new ContainerFacts.Test() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<String> failure(ContainerFacts container) {
        return judge.apply(container).map(found -> container.engine() + " container " + container.name() + " ("
            + ContainerInspect.shortId(container.id()) + ") " + found);
      }

      @Override
      public String toString() {
        return "container test " + name;
      }
    };
  }
}
