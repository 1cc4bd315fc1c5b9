package dev.portcullis.oci;

import dev.portcullis.core.Digest;
import java.io.IOException;
import java.util.List;

/**
 * An image whose manifest and config have been read and verified. Accessors do no I/O; layers are
 * read through {@link Layer#open()}. Closing releases what the source holds open (archive files,
 * connections, temporary files).
 */
public interface Image extends AutoCloseable {
  /** What the user named, for messages: {@code oci-dir:/path@sha256:...}, {@code registry:host/repo:tag}. */
  String name();

  /** Digest of the manifest bytes. */
  Digest digest();

  /**
   * Digests of the verified indexes followed to reach the manifest, outermost first; empty when the
   * manifest was named directly. A VEX product may name the image by any of them.
   */
  default List<Digest> indexDigests() {
    return List.of();
  }

  Manifest manifest();

  /** The manifest exactly as stored (its digest is {@link #digest()}). */
  byte[] rawManifest();

  ImageConfig config();

  /** The config exactly as stored. */
  byte[] rawConfig();

  /** The layers to apply, base first; foreign layers are not among them (see {@link #skippedLayers()}). */
  List<Layer> layers();

  /** Layers that were not read, with why (foreign, non-distributable): reported, never silently dropped. */
  List<SkippedLayer> skippedLayers();

  @Override
  void close() throws IOException;

  /** A layer that was left out of the file tree. */
  record SkippedLayer(Descriptor descriptor, String reason) {}
}
