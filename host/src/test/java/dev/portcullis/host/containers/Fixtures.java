package dev.portcullis.host.containers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The inspect outputs recorded from podman 4.3.1 and Docker 20.10.24 on the test machine (see each VERSION file). */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one container of a recorded {@code podman inspect}, its namespaces confirmed from {@code spec} when given. */
  static ContainerFacts podman(String name, String spec) throws IOException {
    ContainerInspect.RuntimeSpecs specs = spec == null ? ContainerInspect.RuntimeSpecs.none()
        : path -> Optional.of(bytes("podman/" + spec));
    List<ContainerFacts> all = ContainerInspect.podman(bytes("podman/" + name), specs);
    if (all.size() != 1) {
      throw new IllegalStateException(name + " holds " + all.size() + " containers");
    }
    return all.getFirst();
  }

  static ContainerFacts podman(String name) throws IOException {
    return podman(name, null);
  }

  static ContainerFacts docker(String name) throws IOException {
    return ContainerInspect.docker(bytes("docker/" + name));
  }
}
