package dev.portcullis.oci.tree;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs layer analysers over an image: each layer is streamed at most once, for all the analysers
 * whose result for it is not cached yet, and not at all when every result is cached.
 */
public final class LayerScanner {
  private final @Nullable LayerCache cache;
  private final long maxEntries;
  private final Path tempDir;

  /** @param cache where results are kept between runs, or null for none */
  public LayerScanner(@Nullable LayerCache cache, long maxEntries) {
    this(cache, maxEntries, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param cache where results are kept between runs, or null for none
   * @param tempDir where an entry that several analysers read is kept while they do, when it is too large for memory
   */
  public LayerScanner(@Nullable LayerCache cache, long maxEntries, Path tempDir) {
    this.cache = cache;
    this.maxEntries = maxEntries;
    this.tempDir = tempDir;
  }

  /** The results of every analyser for every layer, in layer order. */
  public List<Results> scan(Image image, List<? extends LayerAnalyzer<?>> analyzers) throws IOException {
    EntryBudget budget = new EntryBudget(maxEntries);
    List<Results> out = new ArrayList<>();
    for (Layer layer : image.layers()) {
      Map<LayerAnalyzer<?>, Object> results = new LinkedHashMap<>();
      List<LayerAnalyzer<?>> missing = new ArrayList<>();
      for (LayerAnalyzer<?> a : analyzers) {
        // a directory changes in place: it has no diffID to keep its results by
        Optional<?> cached = cache == null || layer instanceof DirectoryLayer ? Optional.empty() : cache.get(a, layer);
        if (cached.isPresent()) {
          results.put(a, cached.get());
        } else {
          missing.add(a);
        }
      }
      if (!missing.isEmpty()) {
        results.putAll(run(image, layer, missing, budget));
      }
      out.add(new Results(layer, results, !missing.isEmpty()));
    }
    return out;
  }

  private Map<LayerAnalyzer<?>, Object> run(Image image, Layer layer, List<LayerAnalyzer<?>> analyzers, EntryBudget budget) throws IOException {
    List<LayerAnalyzer.Session<?>> sessions = new ArrayList<>();
    for (LayerAnalyzer<?> a : analyzers) {
      sessions.add(a.start(layer));
    }
    LayerWalker.walk(layer, image.name(), budget, new LayerWalker.Visitor() {
      @Override
      public void entry(LayerEntry entry, @Nullable InputStream content) throws IOException {
        if (content == null || sessions.size() == 1) {
          for (LayerAnalyzer.Session<?> s : sessions) {
            s.entry(entry, content);
          }
          return;
        }
        // one stream, several readers: each replays what those before it consumed
        try (SharedContent shared = new SharedContent(content, tempDir)) {
          for (int i = 0; i < sessions.size(); i++) {
            try (InputStream reader = shared.reader(i == sessions.size() - 1)) {
              sessions.get(i).entry(entry, reader);
            }
          }
        }
      }

      @Override
      public void whiteout(String path) {
        sessions.forEach(s -> s.whiteout(path));
      }

      @Override
      public void opaque(String dir) {
        sessions.forEach(s -> s.opaque(dir));
      }

      @Override
      public void warning(String where, String problem) {
        // results are cached per layer and replayed for any image that has it: the image is named on replay (FileTree)
        sessions.forEach(s -> s.warning(problem));
      }
    });
    Map<LayerAnalyzer<?>, Object> results = new LinkedHashMap<>();
    for (int i = 0; i < analyzers.size(); i++) {
      Object r = sessions.get(i).finish();
      results.put(analyzers.get(i), r);
      if (cache != null && !(layer instanceof DirectoryLayer)) {
        store(cache, analyzers.get(i), layer, r);
      }
    }
    return results;
  }

  private static <R> void store(LayerCache cache, LayerAnalyzer<R> analyzer, Layer layer, Object result) throws IOException {
    cache.put(analyzer, layer, analyzer.resultType().cast(result));
  }

  /** What the analysers found in one layer. */
  public record Results(Layer layer, Map<LayerAnalyzer<?>, Object> byAnalyzer, boolean read) {
    public <R> R get(LayerAnalyzer<R> analyzer) {
      Object r = byAnalyzer.get(analyzer);
      if (r == null) {
        throw new IllegalArgumentException("analyser " + analyzer.name() + " did not run on layer " + layer.index());
      }
      return analyzer.resultType().cast(r);
    }
  }
}
