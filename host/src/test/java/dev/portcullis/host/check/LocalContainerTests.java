package dev.portcullis.host.check;

import dev.portcullis.host.containers.ContainerFacts;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A test-only stand-in for the live helper's {@code ContainerTests} (until the branches meet): the
 * agreed test names, each a plain reading of {@link ContainerFacts}.
 */
final class LocalContainerTests {
  private LocalContainerTests() {}

  private record Named(String name, Function<ContainerFacts, Optional<String>> check) implements ContainerFacts.Test {
    @Override
    public Optional<String> failure(ContainerFacts c) {
      return check.apply(c);
    }
  }

  private static Optional<String> when(boolean bad, String why) {
    return bad ? Optional.of(why) : Optional.empty();
  }

  static final List<ContainerFacts.Test> ALL = List.of(
      new Named("privileged", c -> when(c.privileged(), "privileged")),
      new Named("host-pid", c -> when(c.pidMode().equals("host"), "shares the host's PID namespace")),
      new Named("host-network", c -> when(c.networkMode().equals("host"), "shares the host's network")),
      new Named("host-ipc", c -> when(c.ipcMode().equals("host"), "shares the host's IPC namespace")),
      new Named("host-uts", c -> when(c.utsMode().equals("host"), "shares the host's UTS namespace")),
      new Named("host-userns", c -> when(c.usernsMode().equals("host"), "shares the host's user namespace")),
      new Named("added-capabilities", c -> when(!c.addedCapabilities().isEmpty(), "adds " + c.addedCapabilities())),
      new Named("sensitive-mount", c -> c.mounts().stream().filter(m -> List.of("/", "/etc", "/proc", "/sys", "/var/run/docker.sock").contains(m.source()))
          .findFirst().map(m -> "mounts " + m.source() + " at " + m.destination())),
      new Named("memory-limit", c -> when(c.memoryLimitBytes() <= 0, "no memory limit")),
      new Named("pids-limit", c -> when(c.pidsLimit() <= 0, "no PIDs limit")),
      new Named("runs-as-root", c -> when(c.user().isEmpty() || c.user().equals("root") || c.user().startsWith("0"), "runs as root")),
      new Named("seccomp", c -> when(c.seccompProfile().equals("unconfined"), "seccomp unconfined")),
      new Named("apparmor", c -> when(c.apparmorProfile().equals("unconfined"), "AppArmor unconfined")),
      new Named("read-only-rootfs", c -> when(!c.readOnlyRootfs(), "writable root file system")));

  static Optional<ContainerFacts.Test> named(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
