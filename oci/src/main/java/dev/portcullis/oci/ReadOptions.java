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
 * @param engines where local engines keep their images
 */
public record ReadOptions(Platform platform, Limits limits, RegistryOptions registry, Path tempDir, ProgressListener listener,
    EngineOptions engines) {
  /** With the default places of the local engines. */
  public ReadOptions(Platform platform, Limits limits, RegistryOptions registry, Path tempDir, ProgressListener listener) {
    this(platform, limits, registry, tempDir, listener, EngineOptions.DEFAULT);
  }

  public static ReadOptions defaults() {
    return new ReadOptions(Platform.host(), Limits.DEFAULT, RegistryOptions.DEFAULT,
        Path.of(System.getProperty("java.io.tmpdir")), ProgressListener.NONE);
  }

  public ReadOptions withEngines(EngineOptions e) {
    return new ReadOptions(platform, limits, registry, tempDir, listener, e);
  }

  public ReadOptions withPlatform(Platform p) {
    return new ReadOptions(p, limits, registry, tempDir, listener, engines);
  }

  public ReadOptions withLimits(Limits l) {
    return new ReadOptions(platform, l, registry, tempDir, listener, engines);
  }

  public ReadOptions withRegistry(RegistryOptions r) {
    return new ReadOptions(platform, limits, r, tempDir, listener, engines);
  }

  public ReadOptions withTempDir(Path t) {
    return new ReadOptions(platform, limits, registry, t, listener, engines);
  }

  public ReadOptions withListener(ProgressListener l) {
    return new ReadOptions(platform, limits, registry, tempDir, l, engines);
  }
}
