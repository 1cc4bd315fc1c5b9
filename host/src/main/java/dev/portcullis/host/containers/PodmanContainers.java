package dev.portcullis.host.containers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running containers of one podman store, from {@code podman ps --format json} and {@code podman inspect}, each
 * run with what is left of the deadline; the namespace modes are confirmed from the OCI runtime spec podman wrote for
 * each container (its {@code OCIConfigPath}, read up to 1 MiB), because podman 4.3's inspect reports {@code
 * --ipc=host} as {@code shareable}. A container that stops between the listing and the inspection is left out.
 */
public final class PodmanContainers implements ContainerSource {
  private static final int MAX_SPEC_BYTES = 1024 * 1024;

  private final List<String> command;

  /**
   * @param command the podman command line before the subcommand, e.g. {@code ["podman"]} or {@code ["podman",
   *     "--root", DIR, "--runroot", DIR, "--storage-driver", "vfs"]}
   */
  public PodmanContainers(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("podman containers: the command line is empty");
    }
    this.command = List.copyOf(command);
  }

  /** The system's podman, found on the PATH. */
  public static PodmanContainers onPath() {
    return new PodmanContainers(List.of("podman"));
  }

  @Override
  public String engine() {
    return "podman";
  }

  @Override
  public List<ContainerFacts> running(Duration deadline) throws IOException {
    long until = System.nanoTime() + deadline.toNanos();
    BoundedCommand.Result ps = podman(List.of("ps", "--no-trunc", "--format", "json"), until, deadline);
    if (ps.exitCode() != 0) {
      throw new IOException("list podman containers: podman ps exited with " + ps.exitCode() + ": " + ps.stderrLine());
    }
    List<String> ids = ContainerInspect.podmanIds(ps.stdout());
    if (ids.isEmpty()) {
      return List.of();
    }
    List<String> inspect = new ArrayList<>(List.of("inspect", "--type", "container"));
    inspect.addAll(ids);
    BoundedCommand.Result all = podman(inspect, until, deadline);
    if (all.exitCode() == 0) {
      return ContainerInspect.podman(all.stdout(), PodmanContainers::readSpec);
    }
    // one of them stopped and was removed meanwhile: inspect each, leaving out those that are gone
    List<ContainerFacts> out = new ArrayList<>();
    for (String id : ids) {
      BoundedCommand.Result one = podman(List.of("inspect", "--type", "container", id), until, deadline);
      if (one.exitCode() == 0) {
        out.addAll(ContainerInspect.podman(one.stdout(), PodmanContainers::readSpec));
      } else if (!one.stderr().contains("no such")) {
        throw new IOException("inspect podman container " + ContainerInspect.shortId(id) + ": podman inspect exited with "
            + one.exitCode() + ": " + one.stderrLine());
      }
    }
    out.sort(java.util.Comparator.comparing(ContainerFacts::name).thenComparing(ContainerFacts::id));
    return List.copyOf(out);
  }

  private BoundedCommand.Result podman(List<String> args, long until, Duration deadline) throws IOException {
    long left = until - System.nanoTime();
    if (left <= 0) {
      throw new IOException("ask podman about its containers: the deadline of " + deadline.toMillis() + " ms has passed");
    }
    List<String> c = new ArrayList<>(command);
    c.addAll(args);
    return BoundedCommand.run(c, until, deadline, ContainerInspect.MAX_BYTES);
  }

  private static Optional<byte[]> readSpec(String path) throws IOException {
    Path file = Path.of(path);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
      if (bytes.length > MAX_SPEC_BYTES) {
        throw new IOException("read OCI runtime spec " + path + ": more than " + MAX_SPEC_BYTES + " bytes, refused");
      }
      return Optional.of(bytes);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "podman containers via " + String.join(" ", command);
  }
}
