package dev.portcullis.oci.tree;

import dev.portcullis.core.SideBySide;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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

  /**
   * The results of every analyser for every layer, in layer order. The layers to read are read side
   * by side, one per core; what a read in order would have failed with is what fails.
   */
  public List<Results> scan(Image image, List<? extends LayerAnalyzer<?>> analyzers) throws IOException {
    List<Layer> layers = image.layers();
    List<Map<LayerAnalyzer<?>, Object>> results = new ArrayList<>(layers.size());
    List<List<LayerAnalyzer<?>>> missing = new ArrayList<>(layers.size());
    List<Integer> toRead = new ArrayList<>();
    for (Layer layer : layers) {
      Map<LayerAnalyzer<?>, Object> found = new LinkedHashMap<>();
      List<LayerAnalyzer<?>> notFound = new ArrayList<>();
      for (LayerAnalyzer<?> a : analyzers) {
        // a directory changes in place: it has no diffID to keep its results by
        Optional<?> cached = cache == null || layer instanceof DirectoryLayer ? Optional.empty() : cache.get(a, layer);
        if (cached.isPresent()) {
          found.put(a, cached.get());
        } else {
          notFound.add(a);
        }
      }
      if (!notFound.isEmpty()) {
        toRead.add(results.size());
      }
      results.add(found);
      missing.add(notFound);
    }
    List<EntryBudget> budgets = EntryBudget.ordered(maxEntries, toRead.size());
    List<Integer> order = IntStream.range(0, toRead.size()).boxed().toList();
    AtomicInteger firstFailed = new AtomicInteger(toRead.size() - 1);
    List<Map<LayerAnalyzer<?>, Object>> read;
    try {
      read = SideBySide.map(order, "layer pass", k -> {
        int i = toRead.get(k);
        try {
          return run(image, layers.get(i), missing.get(i), budgets.get(k));
        } catch (IOException | RuntimeException | Error e) {
          firstFailed.accumulateAndGet(k, Math::min);
          throw e;
        }
      });
    } catch (IOException | RuntimeException e) {
      if (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException) || Thread.currentThread().isInterrupted()) {
        throw e; // cancelled: how far each layer got says nothing (a network read's deadline is a failure like any other)
      }
      // a layer read beside a later one may have taken more entries than a read in order allows: that fails first
      Optional<ImageReadException> over = EntryBudget.firstOver(budgets, firstFailed.get());
      if (over.isPresent() && !over.get().getMessage().equals(e.getMessage())) {
        over.get().addSuppressed(e);
        throw over.get();
      }
      throw e;
    }
    Optional<ImageReadException> over = EntryBudget.firstOver(budgets, toRead.size() - 1);
    if (over.isPresent()) {
      throw over.get();
    }
    for (int k = 0; k < toRead.size(); k++) {
      results.get(toRead.get(k)).putAll(read.get(k));
    }
    List<Results> out = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      out.add(new Results(layers.get(i), results.get(i), !missing.get(i).isEmpty()));
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
