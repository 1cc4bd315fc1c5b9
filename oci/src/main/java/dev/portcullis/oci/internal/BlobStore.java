package dev.portcullis.oci.internal;

import dev.portcullis.oci.Descriptor;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where an image's blobs are read from: a layout directory, an archive, a registry. Streams are
 * raw and unverified; {@link ImageAssembler} and {@link BlobLayer} verify them.
 */
public interface BlobStore extends Closeable {
  /** The blob {@code d} names; fails with an {@link dev.portcullis.oci.ImageReadException} when it is missing. */
  InputStream open(Descriptor d) throws IOException;

  @Override
  default void close() throws IOException {}
}
