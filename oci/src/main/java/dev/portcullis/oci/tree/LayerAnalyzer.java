package dev.portcullis.oci.tree;

import dev.portcullis.oci.Layer;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Looks at one layer on its own, while the layer is streamed, and produces a result that is cached
 * by the layer's diffID, the analyser's name and its version. Results must be plain data that
 * Jackson can write and read back (records, lists, strings, numbers), or the analyser writes and
 * reads them itself.
 *
 * @param <R> the result type
 */
public interface LayerAnalyzer<R> extends LayerCache.Kind<R> {
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
