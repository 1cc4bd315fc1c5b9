package dev.portcullis.oci;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An OCI content descriptor: what a manifest or index says about one blob. */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    @Nullable Platform platform) {

  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  public Descriptor {
    if (size < 0) {
      throw new IllegalArgumentException("descriptor " + digest + " has a negative size " + size);
    }
    urls = List.copyOf(urls);
    annotations = Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, List.of(), Map.of(), null);
  }

  public Optional<Platform> platformIfAny() {
    return Optional.ofNullable(platform);
  }

  /** The {@code org.opencontainers.image.ref.name} annotation, as OCI layouts name their images. */
  public Optional<String> refName() {
    return Optional.ofNullable(annotations.get(REF_NAME));
  }
}
