package dev.portcullis.oci.registry;

import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions;
import java.io.IOException;

/** A client of the OCI Distribution API. */
public final class RegistryClient {
  private final RegistryOptions options;

  private RegistryClient(RegistryOptions options) {
    this.options = options;
  }

  public static RegistryClient create(RegistryOptions options, ProgressListener listener) {
    return new RegistryClient(options);
  }

  public Image image(ImageRef ref, ReadOptions read) throws IOException {
    throw new ImageReadException("pull " + ref + ": registry access is being written (options " + options + ")");
  }
}
