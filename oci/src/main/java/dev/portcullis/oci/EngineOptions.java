package dev.portcullis.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local engines keep their images.
 *
 * @param storageRoot the graph root of the containers-storage store ({@code containers-storage:} without a {@code
 *     [STORE]} prefix)
 * @param dockerHost the Docker engine's API socket, {@code unix:///PATH} or a bare path
 */
public record EngineOptions(Path storageRoot, String dockerHost) {
  /** podman's store when run as root. */
  public static final Path ROOT_STORAGE = Path.of("/var/lib/containers/storage");

  /** The engine's socket of a default installation. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  public static final EngineOptions DEFAULT = new EngineOptions(ROOT_STORAGE, DEFAULT_DOCKER_HOST);

  public EngineOptions {
    if (!storageRoot.isAbsolute()) {
      throw new IllegalArgumentException("storage root " + storageRoot + ": must be an absolute path");
    }
    if (dockerHost.isBlank()) {
      throw new IllegalArgumentException("docker host: empty");
    }
  }

  /**
   * The places podman and the docker client use for this user: root's store, or a user's {@code
   * $XDG_DATA_HOME/containers/storage} (else {@code ~/.local/share/containers/storage}); {@code DOCKER_HOST} when set.
   */
  public static EngineOptions forUser(Map<String, String> env) {
    Path storage = ROOT_STORAGE;
    if (!isRoot()) {
      String data = env.getOrDefault("XDG_DATA_HOME", "");
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      storage = !data.isEmpty() && Path.of(data).isAbsolute() ? Path.of(data, "containers", "storage") : Path.of(home, ".local", "share", "containers", "storage");
    }
    String host = env.getOrDefault("DOCKER_HOST", "");
    return new EngineOptions(storage.toAbsolutePath(), host.isBlank() ? DEFAULT_DOCKER_HOST : host);
  }

  public EngineOptions withStorageRoot(Path root) {
    return new EngineOptions(root.toAbsolutePath(), dockerHost);
  }

  public EngineOptions withDockerHost(String host) {
    return new EngineOptions(storageRoot, host);
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
