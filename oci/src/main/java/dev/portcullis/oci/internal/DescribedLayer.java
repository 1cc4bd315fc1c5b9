package dev.portcullis.oci.internal;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.Layer;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What every layer of an image with a manifest knows before it is read: its place, its manifest
 * descriptor, its diffID from the config and the history's {@code created_by}. Subclasses say where
 * its content comes from ({@link #open}).
 */
public abstract class DescribedLayer implements Layer {
  private final int index;
  private final Descriptor descriptor;
  private final Digest diffId;
  private final @Nullable String createdBy;

  protected DescribedLayer(int index, Descriptor descriptor, Digest diffId, @Nullable String createdBy) {
    this.index = index;
    this.descriptor = descriptor;
    this.diffId = diffId;
    this.createdBy = createdBy;
  }

  @Override
  public final int index() {
    return index;
  }

  @Override
  public final Digest digest() {
    return descriptor.digest();
  }

  @Override
  public final Digest diffId() {
    return diffId;
  }

  @Override
  public final long size() {
    return descriptor.size();
  }

  @Override
  public final String mediaType() {
    return descriptor.mediaType();
  }

  @Override
  public final Optional<String> createdBy() {
    return Optional.ofNullable(createdBy);
  }

  /** The manifest's descriptor of this layer. */
  protected final Descriptor descriptor() {
    return descriptor;
  }
}
