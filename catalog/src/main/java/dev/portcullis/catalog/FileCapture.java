package dev.portcullis.catalog;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * What a cataloger keeps of a file while the layer that holds it is first read, so that
 * cataloguing needs no second pass over the layers: the file's bytes, or a small extract of a large
 * file (a Go binary's build info). Captures are cached per layer by diffID with the layer index;
 * a file a capture did not take is read from its layer when the cataloger asks for it
 * ({@link CatalogContext#read}), so a capture only decides speed, never the result.
 */
public interface FileCapture {
  /** Stable kebab-case name, unique among the catalogers' captures; part of the layer cache key. */
  String name();

  /** Bump when {@link #capture} would keep something else for the same file; part of the cache key. */
  int version();

  /** Whether to take a regular file, judged by its path as the layer's tar states it, its mode bits and size. */
  boolean wants(String path, int mode, long size);

  /**
   * What to keep of the file, or null for nothing (not a file of this kind). Reads {@code content}
   * as far as it needs to; never closes it. {@code context} has no distribution yet: only its
   * temporary directory and memory limit are for captures.
   *
   * @throws IOException only when {@code content} cannot be read
   */
  byte @Nullable [] capture(String path, long size, InputStream content, CatalogContext context) throws IOException;
}
