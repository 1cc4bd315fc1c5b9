package dev.portcullis.oci;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One filesystem layer of an image. Accessors do no I/O; {@link #open()} does. */
public interface Layer {
  /** Position in the image, 0 for the base layer. */
  int index();

  /** Digest of the blob as stored (compressed); equals the manifest's layer descriptor digest. */
  Digest digest();

  /** Digest of the uncompressed tar; equals {@code rootfs.diff_ids[index]} of the config. */
  Digest diffId();

  /** Size of the stored blob in bytes. */
  long size();

  String mediaType();

  /** The {@code created_by} of the history entry that made this layer, when the config has one. */
  Optional<String> createdBy();

  /**
   * The uncompressed tar, whatever the compression (recognised by magic bytes). The stream checks
   * the blob digest and the diffID as it is read and fails at its end on a mismatch; it also
   * enforces the read limits. The caller closes it.
   */
  InputStream open() throws IOException;
}
