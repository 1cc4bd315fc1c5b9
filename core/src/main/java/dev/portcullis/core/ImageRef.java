package dev.portcullis.core;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A reference to an image in a registry, normalised as Docker does: {@code alpine} is {@code
 * docker.io/library/alpine:latest}. At least one of tag and digest is present.
 */
public record ImageRef(String registry, String repository, @Nullable String tag, @Nullable Digest digest) {
  public static final String DOCKER_HUB = "docker.io";
  /** A repository name, as the OCI distribution specification allows it (its components joined by {@code /}). */
  public static final String REPOSITORY_PATTERN = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*";
  /** A tag, as the OCI distribution specification allows it. */
  public static final String TAG_PATTERN = "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}";
  private static final Pattern REPOSITORY = Pattern.compile(REPOSITORY_PATTERN);
  private static final Pattern TAG = Pattern.compile(TAG_PATTERN);

  /** Whether {@code name} is a valid repository name. */
  public static boolean isRepository(String name) {
    return REPOSITORY.matcher(name).matches();
  }

  /** Whether {@code tag} is a valid tag. */
  public static boolean isTag(String tag) {
    return TAG.matcher(tag).matches();
  }

  public ImageRef {
    if (!REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("invalid repository name '" + repository + "'");
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag '" + tag + "'");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
  }

  /** Parses {@code [registry/]repository[:tag][@digest]}; throws {@link IllegalArgumentException} on bad text. */
  public static ImageRef parse(String text) {
    String rest = text.strip();
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("empty image reference");
    }
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (!rest.equals(rest.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("invalid image reference '" + text + "': repository must be lower case");
    }
    try {
      return new ImageRef(registry, rest, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid image reference '" + text + "': " + e.getMessage(), e);
    }
  }

  /** The host the Distribution API is served from ({@code registry-1.docker.io} for Docker Hub). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  /** The digest if there is one, else the tag: what goes after {@code /manifests/}. */
  public String reference() {
    return digest != null ? digest.toString() : java.util.Objects.requireNonNull(tag);
  }

  public Optional<String> tagIfAny() {
    return Optional.ofNullable(tag);
  }

  public Optional<Digest> digestIfAny() {
    return Optional.ofNullable(digest);
  }

  /** The same repository, pinned to {@code d}. */
  public ImageRef withDigest(Digest d) {
    return new ImageRef(registry, repository, tag, d);
  }

  @Override
  public String toString() {
    return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
