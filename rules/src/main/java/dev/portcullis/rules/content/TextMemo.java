package dev.portcullis.rules.content;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.tree.CacheStreams;
import dev.portcullis.oci.tree.LayerCache;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a searcher found in the texts of image layers, kept across the scans of one engine: a layer
 * is named by its diffID, so a file of a layer seen before (a shared base image) is not searched
 * again. Only a result that depends on nothing but the text's kind, path and content may be kept
 * here. Bounded: past {@link #MAX_ENTRIES} results, texts are searched each time.
 *
 * <p>A searcher that is {@link Kept} may also keep its results of a layer in a {@link LayerCache},
 * through a {@link Session}: the next process that scans the layer reads them back instead of
 * searching. A result read back is only used for a file of the same path, kind, length and hash, by
 * a searcher of the same {@linkplain Kept#fingerprint() fingerprint}; anything else is searched.
 */
public final class TextMemo {
  /** The most results kept; most are empty (a file without a secret), so this is a few tens of MiB at most. */
  public static final int MAX_ENTRIES = 200_000;

  /**
   * A searcher whose results can outlive the process.
   *
   * @param <T> what it finds in one text
   */
  public interface Kept<T> {
    /** Stable kebab-case name of the searcher: its results are kept in the layer cache under {@code text-search-NAME}. */
    String name();

    /**
     * Everything its results depend on besides the text (its rules, its code, the runtime's regular
     * expressions): results kept under another are not used. Asked at each read and write; the
     * searcher computes it once.
     */
    String fingerprint();

    void write(T result, DataOutputStream out) throws IOException;

    /** Reads back what {@link #write} wrote; what cannot be used is an {@link IOException}. */
    T read(DataInputStream in) throws IOException;
  }

  /** The results of one searcher in one layer. */
  private record Slot(Object searcher, Digest layer) {}

  /** A file of a layer, as a searcher sees it. */
  private record FileKey(String path, Text.Kind kind, int length, int hash) {
    static FileKey of(Text text) {
      return new FileKey(text.path(), text.kind(), text.content().length(), text.content().hashCode());
    }
  }

  /** The results of a slot; {@code fresh} counts those searched in this process and not yet kept in a cache. */
  private static final class Results {
    final Map<FileKey, Object> byFile = new ConcurrentHashMap<>();
    final AtomicInteger fresh = new AtomicInteger();
  }

  private final Map<Slot, Results> slots = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  /**
   * The result of {@code searcher} on {@code text}: kept from an earlier call for the same file of the
   * same layer, else computed now (and kept, when the text is a layer's file and room is left).
   */
  public <T> T get(Object searcher, Text text, Supplier<T> compute) {
    return get(searcher, text, compute, null);
  }

  @SuppressWarnings("unchecked")
  private <T> T get(Object searcher, Text text, Supplier<T> compute, @Nullable Session session) {
    if (!(text.origin() instanceof Text.Origin.InLayer in) || in.location().layerDiffIdIfAny().isEmpty()) {
      return compute.get();
    }
    Slot slot = new Slot(searcher, in.location().layerDiffIdIfAny().get());
    Results results = session == null ? slots.get(slot) : session.results(slot);
    FileKey key = FileKey.of(text);
    Object kept = results == null ? null : results.byFile.get(key);
    if (kept != null) {
      return (T) kept;
    }
    T result = compute.get();
    if (results == null) {
      results = slots.computeIfAbsent(slot, s -> new Results());
    }
    if (size.get() < MAX_ENTRIES && results.byFile.putIfAbsent(key, result) == null) {
      size.incrementAndGet();
      results.fresh.incrementAndGet();
    }
    return result;
  }

  /** How many results are kept. */
  public int size() {
    return size.get();
  }

  /**
   * The memo as one scan of {@code layers} uses it: results of {@link Kept} searchers for these
   * layers are read from {@code cache} (when given) at their first use, and {@link Session#save}
   * writes back those searched since.
   */
  public Session session(@Nullable LayerCache cache, List<Layer> layers) {
    return new Session(cache, layers);
  }

  /** One scan's use of the memo; used by one scan at a time, the memo itself by any number. */
  public final class Session {
    private final @Nullable LayerCache cache;
    private final Map<Digest, Layer> layers = new HashMap<>();
    private final Set<Slot> used = ConcurrentHashMap.newKeySet();

    private Session(@Nullable LayerCache cache, List<Layer> layers) {
      this.cache = cache;
      for (Layer l : layers) {
        this.layers.putIfAbsent(l.diffId(), l);
      }
    }

    /** As {@link TextMemo#get}, with the layer's results read from the cache first. */
    public <T> T get(Object searcher, Text text, Supplier<T> compute) {
      return TextMemo.this.get(searcher, text, compute, this);
    }

    private @Nullable Results results(Slot slot) {
      Results r = slots.get(slot);
      if (r == null && cache != null && slot.searcher() instanceof Kept<?> kept && layers.containsKey(slot.layer())) {
        r = slots.computeIfAbsent(slot, s -> restored(kept, layers.get(s.layer())));
      }
      if (r != null) {
        used.add(slot);
      }
      return r;
    }

    private Results restored(Kept<?> kept, Layer layer) {
      Results r = new Results();
      var stored = Objects.requireNonNull(cache).get(new Stored<>(kept), layer);
      if (stored.isPresent() && size.get() + stored.get().size() <= MAX_ENTRIES) {
        r.byFile.putAll(stored.get());
        size.addAndGet(stored.get().size());
      }
      return r;
    }

    /**
     * Keeps in the cache, for each layer of this scan, the results of every {@link Kept} searcher
     * that searched one of its files anew; a failure to write is no error (the next scan searches again).
     */
    public void save() {
      if (cache == null) {
        return;
      }
      for (Slot slot : used) {
        Results r = slots.get(slot);
        Layer layer = layers.get(slot.layer());
        if (r == null || layer == null || !(slot.searcher() instanceof Kept<?> kept) || r.fresh.get() == 0) {
          continue;
        }
        int fresh = r.fresh.get();
        try {
          cache.put(new Stored<>(kept), layer, Map.copyOf(r.byFile));
          r.fresh.addAndGet(-fresh);
        } catch (IOException | RuntimeException e) {
          // the cache is an optimisation: a full disk or a read-only cache costs a search next time
        }
      }
    }
  }

  /** How a searcher's results of one layer are kept in the layer cache: its fingerprint, then each file's key and result. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private record Stored<T>(Kept<T> kept) implements LayerCache.Kind<Map> {
    private static final int FORMAT = 1;

    @Override
    public String name() {
      return "text-search-" + kept.name();
    }

    @Override
    public int version() {
      return FORMAT;
    }

    @Override
    public Class<Map> resultType() {
      return Map.class;
    }

    @Override
    public void write(Map result, OutputStream stream) throws IOException {
      DataOutputStream out = new DataOutputStream(stream);
      CacheStreams.writeString(out, kept.fingerprint());
      out.writeInt(result.size());
      for (Map.Entry<FileKey, Object> e : ((Map<FileKey, Object>) result).entrySet()) {
        FileKey k = e.getKey();
        CacheStreams.writeString(out, k.path());
        out.writeByte(k.kind().ordinal());
        out.writeInt(k.length());
        out.writeInt(k.hash());
        kept.write((T) e.getValue(), out);
      }
      out.flush();
    }

    @Override
    public Map read(InputStream stream) throws IOException {
      DataInputStream in = new DataInputStream(stream);
      if (!CacheStreams.readString(in).equals(kept.fingerprint())) {
        throw new IOException("kept by another version of the searcher");
      }
      int n = CacheStreams.readCount(in);
      Text.Kind[] kinds = Text.Kind.values();
      Map<FileKey, Object> out = new HashMap<>();
      for (int i = 0; i < n; i++) {
        String path = CacheStreams.readString(in);
        int kind = in.readUnsignedByte();
        if (kind >= kinds.length) {
          throw new IOException("damaged cache entry: kind " + kind);
        }
        out.put(new FileKey(path, kinds[kind], in.readInt(), in.readInt()), kept.read(in));
      }
      return out;
    }
  }
}
