package dev.portcullis.oci;

import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to talk to registries.
 *
 * @param insecure use plain HTTP instead of HTTPS
 * @param caFile PEM certificates to trust in addition to the JDK's
 * @param credentials explicit credentials for the registry named in the source; else {@code dockerConfig} is consulted
 * @param dockerConfig a Docker {@code config.json}; by default {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}
 * @param maxAttempts attempts per request on 429, 5xx and connection failures
 * @param deadlines how long each request may wait on the registry
 */
public record RegistryOptions(
    boolean insecure,
    @Nullable Path caFile,
    @Nullable Credentials credentials,
    @Nullable Path dockerConfig,
    int maxAttempts,
    TransferDeadlines deadlines) {
  public static final RegistryOptions DEFAULT = new RegistryOptions(false, null, null, null, 5);

  public RegistryOptions {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** Options with the default {@link TransferDeadlines}. */
  public RegistryOptions(boolean insecure, @Nullable Path caFile, @Nullable Credentials credentials, @Nullable Path dockerConfig, int maxAttempts) {
    this(insecure, caFile, credentials, dockerConfig, maxAttempts, TransferDeadlines.DEFAULT);
  }

  public RegistryOptions withDeadlines(TransferDeadlines d) {
    return new RegistryOptions(insecure, caFile, credentials, dockerConfig, maxAttempts, d);
  }

  public Optional<Credentials> credentialsIfAny() {
    return Optional.ofNullable(credentials);
  }

  /** A user name and a secret; {@link #toString()} never shows the secret. */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[" + username + ", ****]";
    }
  }
}
