package dev.portcullis.rules.content;

import dev.portcullis.core.Digest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a searcher found in the texts of image layers, kept across the scans of one engine: a layer
 * is named by its diffID, so a file of a layer seen before (a shared base image) is not searched
 * again. Only a result that depends on nothing but the text's kind, path and content may be kept
 * here. Bounded: past {@link #MAX_ENTRIES} results, texts are searched each time.
 */
public final class TextMemo {
  /** The most results kept; most are empty (a file without a secret), so this is a few tens of MiB at most. */
  public static final int MAX_ENTRIES = 200_000;

  /** A file of a layer, as one searcher sees it. */
  private record Key(Object searcher, Digest layer, String path, Text.Kind kind, int length, int hash) {}

  private final Map<Key, Object> results = new ConcurrentHashMap<>();

  /**
   * The result of {@code searcher} on {@code text}: kept from an earlier call for the same file of the
   * same layer, else computed now (and kept, when the text is a layer's file and room is left).
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Object searcher, Text text, Supplier<T> compute) {
    if (!(text.origin() instanceof Text.Origin.InLayer in) || in.location().layerDiffIdIfAny().isEmpty()) {
      return compute.get();
    }
    Key key = new Key(searcher, in.location().layerDiffIdIfAny().get(), text.path(), text.kind(), text.content().length(),
        text.content().hashCode());
    Object kept = results.get(key);
    if (kept != null) {
      return (T) kept;
    }
    T result = compute.get();
    if (results.size() < MAX_ENTRIES) {
      results.putIfAbsent(key, result);
    }
    return result;
  }

  /** How many results are kept. */
  public int size() {
    return results.size();
  }
}
