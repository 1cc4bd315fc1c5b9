package dev.portcullis.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.RegistryOptions.Credentials;
import dev.portcullis.oci.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The inline credentials of a Docker {@code config.json}: its {@code auths} entries, each with a
 * base64 {@code auth} ({@code user:password}) or {@code username} and {@code password}. Keys may be
 * a host, a URL ({@code https://host/v2/}) or, for Docker Hub, {@code https://index.docker.io/v1/}.
 *
 * <p>Credential helpers ({@code credsStore}, {@code credHelpers}) are not run: they are external
 * programs, and Portcullis does not execute programs named by a config file. When one is configured,
 * {@link #helperFor(String)} names it so that the caller can say why no credentials were found.
 * Identity tokens ({@code identitytoken}) are not used either.
 */
record DockerConfig(Path file, Map<String, Credentials> auths, @Nullable String credsStore, Map<String, String> credHelpers) {
  static final int MAX_BYTES = 1 << 20;

  DockerConfig {
    auths = Map.copyOf(auths);
    credHelpers = Map.copyOf(credHelpers);
  }

  static DockerConfig empty(Path file) {
    return new DockerConfig(file, Map.of(), null, Map.of());
  }

  /** Where the config is: the explicit file, else {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
  static Path location(@Nullable Path explicit, Map<String, String> env, String userHome) {
    if (explicit != null) {
      return explicit;
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isBlank()) {
      return Path.of(dockerConfig, "config.json");
    }
    return Path.of(userHome, ".docker", "config.json");
  }

  /** Reads {@code file}; a missing file is an empty config. */
  static DockerConfig read(Path file) throws IOException {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ImageReadException("read docker config " + file + ": larger than " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return empty(file);
    }
    return parse(bytes, file);
  }

  static DockerConfig parse(byte[] bytes, Path file) throws IOException {
    JsonNode root = Json.object(bytes, "docker config " + file);
    Map<String, Credentials> auths = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("auths").properties()) {
      credentials(e.getValue(), file, e.getKey()).ifPresent(c -> auths.put(e.getKey(), c));
    }
    Map<String, String> helpers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("credHelpers").properties()) {
      helpers.put(e.getKey(), e.getValue().asText(""));
    }
    String store = root.path("credsStore").asText("");
    return new DockerConfig(file, auths, store.isEmpty() ? null : store, helpers);
  }

  private static Optional<Credentials> credentials(JsonNode entry, Path file, String key) throws ImageReadException {
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.replaceAll("\\s", "")), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ImageReadException("read docker config " + file + ": auths." + key + ".auth is not base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new ImageReadException("read docker config " + file + ": auths." + key + ".auth is not user:password");
      }
      return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String user = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    return user.isEmpty() && password.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, password));
  }

  /** The credentials for {@code registry} (as {@link ImageRef#registry()} names it), if the config has them. */
  Optional<Credentials> credentialsFor(String registry) {
    String wanted = normalise(registry);
    for (Map.Entry<String, Credentials> e : auths.entrySet()) {
      if (normalise(e.getKey()).equals(wanted)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** The credential helper configured for {@code registry}, if any. */
  Optional<String> helperFor(String registry) {
    String wanted = normalise(registry);
    for (Map.Entry<String, String> e : credHelpers.entrySet()) {
      if (normalise(e.getKey()).equals(wanted)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.ofNullable(credsStore);
  }

  /** A config key or registry name reduced to its host[:port], with Docker Hub's aliases made one. */
  static String normalise(String key) {
    String s = key.strip().toLowerCase(Locale.ROOT);
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      s = s.substring(scheme + 3);
    }
    int slash = s.indexOf('/');
    if (slash >= 0) {
      s = s.substring(0, slash);
    }
    return switch (s) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageRef.DOCKER_HUB;
      default -> s;
    };
  }
}
