package dev.portcullis.admission.docker;

import dev.portcullis.core.ImageRef;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The registry reference, pinned to a manifest digest, of the image a create request names: the
 * digest the client typed, or the one the engine recorded when it pulled the image. An image the
 * engine did not pull from a registry (loaded from an archive, built or committed locally) has no
 * such digest, so nothing about it can be proven.
 */
sealed interface ImagePin {
  /** The image is {@code ref} (with a digest). */
  record Pinned(ImageRef ref) implements ImagePin {}

  /** No digest can be proven for the image; {@code message} says why and what to do. */
  record Unprovable(String message) implements ImagePin {}

  /** A digest reference pins itself; anything else is read from the engine's record, {@code local}. */
  static ImagePin of(String typed, Optional<EngineClient.LocalImage> local) {
    Optional<ImageRef> ref = parse(typed);
    if (ref.isPresent() && ref.get().digest() != null) {
      return new Pinned(ref.get());
    }
    if (local.isEmpty()) {
      return new Unprovable("image " + typed + " is not on this engine: pull it by digest from a registry first (docker pull "
          + "REGISTRY/REPOSITORY@sha256:...), so that the image that runs is the one whose signature and verdict are checked");
    }
    TreeSet<ImageRef> sameRepository = new TreeSet<>(java.util.Comparator.comparing(ImageRef::toString));
    TreeSet<ImageRef> any = new TreeSet<>(java.util.Comparator.comparing(ImageRef::toString));
    for (String rd : local.get().repoDigests()) {
      Optional<ImageRef> pulled = parse(rd).filter(r -> r.digest() != null);
      if (pulled.isEmpty()) {
        continue;
      }
      any.add(pulled.get());
      if (ref.isPresent() && pulled.get().registry().equals(ref.get().registry())
          && pulled.get().repository().equals(ref.get().repository())) {
        sameRepository.add(pulled.get());
      }
    }
    if (!sameRepository.isEmpty()) {
      return new Pinned(sameRepository.first());
    }
    if (!any.isEmpty() && isIdOf(typed, local.get().id())) {
      return new Pinned(any.first());
    }
    return new Unprovable("image " + typed + " (" + shortId(local.get().id()) + ") was not pulled from a registry"
        + (any.isEmpty() ? " (it was loaded from an archive, built or committed here)" : " under that name")
        + ", so its signature and verdict cannot be proven: push it to a registry and pull it from there by digest");
  }

  private static Optional<ImageRef> parse(String text) {
    try {
      return Optional.of(ImageRef.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code typed} names the image by (a prefix of) its ID, as the engine accepts. */
  private static boolean isIdOf(String typed, String id) {
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    String t = typed.startsWith("sha256:") ? typed.substring(7) : typed;
    return !t.isEmpty() && t.matches("[0-9a-f]+") && hex.startsWith(t);
  }

  private static String shortId(String id) {
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    return "ID " + hex.substring(0, Math.min(12, hex.length()));
  }
}
