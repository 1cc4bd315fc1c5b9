package dev.portcullis.oci;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * An image that can hand out its blobs exactly as its source stores them: the manifest, the config
 * and the layer blobs, still compressed. Copying them keeps every digest. Images opened through
 * {@link dev.portcullis.oci.images.Images} implement it.
 */
public interface BlobSource {
  /**
   * The stored bytes of {@code d} when it is this image's manifest, config or one of its layers;
   * empty for any other blob. The stream is not verified: the caller checks it against {@code
   * d.digest()} and closes it.
   */
  Optional<InputStream> openRaw(Descriptor d) throws IOException;
}
