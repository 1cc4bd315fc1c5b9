package dev.portcullis.oci;

import dev.portcullis.core.Platform;
import java.nio.file.Path;

/**
 * How to read an image.
 *
 * @param platform the platform to pick from an index or manifest list
 * @param limits bounds on size, entry count and compression ratio
 * @param registry how to reach registries
 * @param tempDir where to spool what needs random access
 * @param listener progress and warnings
 */
public record ReadOptions(Platform platform, Limits limits, RegistryOptions registry, Path tempDir, ProgressListener listener) {
  public static ReadOptions defaults() {
    return new ReadOptions(Platform.host(), Limits.DEFAULT, RegistryOptions.DEFAULT,
        Path.of(System.getProperty("java.io.tmpdir")), ProgressListener.NONE);
  }

  public ReadOptions withPlatform(Platform p) {
    return new ReadOptions(p, limits, registry, tempDir, listener);
  }

  public ReadOptions withLimits(Limits l) {
    return new ReadOptions(platform, l, registry, tempDir, listener);
  }

  public ReadOptions withRegistry(RegistryOptions r) {
    return new ReadOptions(platform, limits, r, tempDir, listener);
  }

  public ReadOptions withTempDir(Path t) {
    return new ReadOptions(platform, limits, registry, t, listener);
  }

  public ReadOptions withListener(ProgressListener l) {
    return new ReadOptions(platform, limits, registry, tempDir, l);
  }
}
