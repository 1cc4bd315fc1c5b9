package dev.portcullis.host.containers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The containers running on a live host, from one engine's own inspect data. */
public interface ContainerSource {
  /** The engine's name ({@code podman} or {@code docker}). */
  String engine();

  /**
   * The running containers, sorted by name.
   *
   * @throws IOException when the engine cannot be asked within the deadline, or answers what cannot be read
   */
  List<ContainerFacts> running(Duration deadline) throws IOException;
}
