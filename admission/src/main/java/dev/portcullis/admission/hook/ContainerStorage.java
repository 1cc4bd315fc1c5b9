package dev.portcullis.admission.hook;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.EngineOptions;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.local.ContainersStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * containers-storage's metadata (podman, CRI-O, buildah) as the hook reads it to learn which image a
 * container was made from: {@code ROOT/DRIVER-containers/containers.json} maps the container's ID to its
 * image's ID (and podman's {@code metadata} gives the name the user asked for); {@code
 * ROOT/DRIVER-images/images.json}, read by the one {@link ContainersStore}, gives that image's names and manifest
 * digests.
 *
 * @param root the storage's graph root ({@code /var/lib/containers/storage}, or podman's {@code --root})
 */
public record ContainerStorage(Path root) {
  /** The most either metadata file is read: about 1 KiB per container or image. */
  public static final long MAX_BYTES = 32L << 20;

  /** The graph root of a default installation. */
  public static final Path DEFAULT_ROOT = EngineOptions.ROOT_STORAGE;


  /**
   * The image a container was made from, as the storage knows it.
   *
   * @param id the image's ID (the digest of its config, without algorithm)
   * @param name the name the container was created with, else the image's first name; empty for an image without a name
   * @param digest the manifest digest the image was pulled with
   * @param digests every manifest digest the storage knows for it
   */
  public record StoredImage(String id, Optional<String> name, Digest digest, List<Digest> digests) {
    public StoredImage {
      digests = List.copyOf(digests);
    }

    /**
     * The image as a registry reference pinned to the digest it was pulled with: the name's own digest
     * when the name carries one the image has, else {@link #digest}. Empty without a name that parses.
     */
    public Optional<ImageRef> reference() {
      if (name.isEmpty()) {
        return Optional.empty();
      }
      try {
        ImageRef ref = ImageRef.parse(name.get());
        if (ref.digest() != null && digests.contains(ref.digest())) {
          return Optional.of(ref);
        }
        return Optional.of(ref.withDigest(digest));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * The storage a bundle lives in: podman's bundles are {@code ROOT/DRIVER-containers/ID/userdata}
   * under its graph root; otherwise (CRI-O keeps bundles under its run root) {@code fallback}.
   */
  public static ContainerStorage forBundle(Path bundle, Path fallback) {
    Path containers = bundle.getParent() == null ? null : bundle.getParent().getParent();
    if (bundle.getFileName() != null && bundle.getFileName().toString().equals("userdata") && containers != null
        && containers.getFileName() != null && containers.getFileName().toString().endsWith("-containers")
        && containers.getParent() != null && Files.isRegularFile(containers.resolve("containers.json"))) {
      return new ContainerStorage(containers.getParent());
    }
    return new ContainerStorage(fallback);
  }

  /** The container's record: its image's ID and, from podman's metadata, the name it was created with. */
  public Optional<Container> container(String containerId) throws IOException {
    for (String driver : store().drivers()) {
      for (ContainersStore.StoredContainer c : hookInput(() -> store().containers(driver))) {
        if (containerId.equals(c.id())) {
          String imageName = "";
          if (!c.metadata().isEmpty()) {
            try {
              imageName = HookJson.text(HookJson.object(c.metadata().getBytes(StandardCharsets.UTF_8), "metadata"), "image-name");
            } catch (HookInputException e) {
              imageName = "";
            }
          }
          return Optional.of(new Container(driver, c.imageId(), imageName.isEmpty() ? Optional.empty() : Optional.of(imageName),
              c.names().stream().findFirst()));
        }
      }
    }
    return Optional.empty();
  }

  /** A container's record in {@code containers.json}. */
  public record Container(String driver, String imageId, Optional<String> imageName, Optional<String> name) {}

  /** The image {@code imageId} in {@code driver}'s {@code images.json}; {@code preferredName} is the name to report when the image has it or none. */
  public Optional<StoredImage> image(String driver, String imageId, Optional<String> preferredName) throws IOException {
    if (!ContainersStore.isId(imageId) || !ContainersStore.DRIVERS.contains(driver)) {
      return Optional.empty();
    }
    for (ContainersStore.StoredImage i : hookInput(() -> store().images(driver))) {
      if (!imageId.equals(i.id())) {
        continue;
      }
      if (i.digest().isEmpty()) {
        throw new HookInputException("image " + imageId + " in " + root.resolve(driver + "-images").resolve("images.json") + ": no manifest digest recorded");
      }
      Optional<String> name = preferredName.isPresent() ? preferredName : i.names().stream().findFirst();
      return Optional.of(new StoredImage(imageId, name, i.digest().get(), i.digests()));
    }
    return Optional.empty();
  }

  /** The image's record in any driver's {@code images.json} (CRI-O names the image's ID in an annotation). */
  public Optional<StoredImage> image(String imageId, Optional<String> preferredName) throws IOException {
    for (String driver : store().drivers()) {
      Optional<StoredImage> found = image(driver, imageId, preferredName);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private ContainersStore store() {
    return new ContainersStore(root);
  }

  private interface Read<T> {
    T read() throws IOException;
  }

  /** What the store says; its metadata unreadable is the hook's bad input. */
  private static <T> T hookInput(Read<T> read) throws IOException {
    try {
      return read.read();
    } catch (ImageReadException e) {
      throw new HookInputException(e.getMessage(), e);
    }
  }
}
