package dev.portcullis.oci.tree;

import dev.portcullis.oci.Layer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The built-in analyser that records what a layer holds, from which the squashed tree is built. */
public final class LayerIndexer implements LayerAnalyzer<LayerIndex> {
  public static final LayerIndexer INSTANCE = new LayerIndexer();

  private LayerIndexer() {}

  @Override
  public String name() {
    return "layer-index";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public Class<LayerIndex> resultType() {
    return LayerIndex.class;
  }

  @Override
  public Session<LayerIndex> start(Layer layer) {
    return new Session<>() {
      private final List<LayerEntry> entries = new ArrayList<>();
      private final List<String> whiteouts = new ArrayList<>();
      private final List<String> opaques = new ArrayList<>();
      private final List<String> warnings = new ArrayList<>();

      @Override
      public void entry(LayerEntry entry, @Nullable InputStream content) {
        entries.add(entry);
      }

      @Override
      public void whiteout(String path) {
        whiteouts.add(path);
      }

      @Override
      public void opaque(String dir) {
        opaques.add(dir);
      }

      @Override
      public void warning(String message) {
        warnings.add(message);
      }

      @Override
      public LayerIndex finish() {
        return new LayerIndex(entries, whiteouts, opaques, warnings);
      }
    };
  }
}
