package dev.portcullis.oci.tree;

import dev.portcullis.oci.Layer;
import java.io.IOException;
import dev.portcullis.oci.internal.Json;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Looks at one layer on its own, while the layer is streamed, and produces a result that is cached
 * by the layer's diffID, the analyser's name and its version. Results must be plain data that
 * Jackson can write and read back (records, lists, strings, numbers), or the analyser writes and
 * reads them itself.
 *
 * @param <R> the result type
 */
public interface LayerAnalyzer<R> {
  /** Stable kebab-case name, part of the cache key ({@code layer-index}). */
  String name();

  /** Bump when the result for the same layer would change; part of the cache key. */
  int version();

  Class<R> resultType();

  /** Writes a result for the cache; JSON unless the analyser knows a more compact form. */
  default void write(R result, OutputStream out) throws IOException {
    Json.MAPPER.writeValue(CacheStreams.unclosable(out), result);
  }

  /** Reads back what {@link #write} wrote. */
  default R read(InputStream in) throws IOException {
    return Json.MAPPER.readValue(CacheStreams.unclosable(in), resultType());
  }

  /** Starts the analysis of {@code layer}. */
  Session<R> start(Layer layer);

  /** The analysis of one layer. */
  interface Session<R> {
    /** An entry in tar order; {@code content} (regular files only) may be read or ignored, never closed. */
    void entry(LayerEntry entry, @Nullable InputStream content) throws IOException;

    default void whiteout(String path) {}

    default void opaque(String dir) {}

    /**
     * An entry of the layer could not be taken as it is; {@code problem} names the entry but not the
     * layer or the image, since a cached result serves every image that has this layer.
     */
    default void warning(String problem) {}

    /** Called once the whole layer has been read and its digests verified. */
    R finish();
  }
}
