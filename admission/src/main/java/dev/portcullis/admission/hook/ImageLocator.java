package dev.portcullis.admission.hook;

import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the image a container is started from: CRI-O names it in annotations ({@code
 * io.kubernetes.cri-o.ImageRef} is the image's ID, {@code io.kubernetes.cri-o.ImageName} the name
 * asked for); podman does not, so its {@code containers.json} record is read. Either way the digest
 * comes from the storage's {@code images.json}: what was pulled, not what a tag points at now.
 */
public final class ImageLocator {
  static final String CRIO_IMAGE_NAME = "io.kubernetes.cri-o.ImageName";
  static final String CRIO_IMAGE_REF = "io.kubernetes.cri-o.ImageRef";
  static final String CRIO_CONTAINER_NAME = "io.kubernetes.container.name";

  private final Path storageRoot;

  /** {@code storageRoot}: the graph root when the bundle is not under one (CRI-O), see {@link ContainerStorage#forBundle}. */
  public ImageLocator(Path storageRoot) {
    this.storageRoot = storageRoot;
  }

  /** Where the image was looked for, and what was found. */
  public sealed interface Located {
    /** The container's name, for messages: CRI-O's or podman's, else its short ID. */
    String container();

    /** The image, pinned to the digest it was pulled with. */
    record Found(String container, ImageRef image, String imageId) implements Located {}

    /** No image could be named; {@code reason} says where it was looked for. */
    record NotFound(String container, String reason) implements Located {}
  }

  public Located locate(OciState state, RuntimeConfig config) throws IOException {
    Map<String, String> annotations = config.annotations().isEmpty() ? state.annotations() : config.annotations();
    ContainerStorage storage = ContainerStorage.forBundle(state.bundle(), storageRoot);
    String shortId = state.id().length() > 12 ? state.id().substring(0, 12) : state.id();
    String imageRef = annotations.getOrDefault(CRIO_IMAGE_REF, "");
    if (!imageRef.isEmpty()) {
      String container = annotations.getOrDefault(CRIO_CONTAINER_NAME, shortId);
      String asked = annotations.getOrDefault(CRIO_IMAGE_NAME, "");
      String id = imageRef.startsWith("sha256:") ? imageRef.substring(7) : imageRef;
      Optional<ContainerStorage.StoredImage> image = storage.image(id, asked.isEmpty() ? Optional.empty() : Optional.of(asked));
      return found(container, image, "image " + Printable.clip(imageRef) + " (CRI-O's " + CRIO_IMAGE_REF + ") in containers-storage at "
          + storage.root());
    }
    Optional<ContainerStorage.Container> record = storage.container(state.id());
    if (record.isEmpty()) {
      return new Located.NotFound(shortId, "container " + state.id() + " is not in containers-storage at " + storage.root()
          + " (no CRI-O image annotation either): the image it runs is unknown");
    }
    String container = record.get().name().orElse(shortId);
    Optional<ContainerStorage.StoredImage> image = storage.image(record.get().driver(), record.get().imageId(), record.get().imageName());
    return found(container, image, "image " + Printable.clip(record.get().imageId()) + " of container " + state.id() + " in containers-storage at "
        + storage.root());
  }

  private static Located found(String container, Optional<ContainerStorage.StoredImage> image, String where) {
    if (image.isEmpty()) {
      return new Located.NotFound(container, where + ": not found");
    }
    Optional<ImageRef> ref = image.get().reference();
    if (ref.isEmpty()) {
      return new Located.NotFound(container, where + ": it has no registry name" + image.get().name().map(n -> " ('" + Printable.clip(n) + "' does not parse)")
          .orElse("") + ", so its signatures cannot be looked for");
    }
    return new Located.Found(container, ref.get(), image.get().id());
  }
}
