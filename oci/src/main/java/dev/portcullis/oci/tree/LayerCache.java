package dev.portcullis.oci.tree;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.internal.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Per-layer analysis results on disk, keyed by analyser name, analyser version and layer diffID.
 * A result is only served for a layer whose stored blob digest was seen to decompress to that
 * diffID when the result was made, so an image that lies about its diffIDs cannot borrow another
 * layer's results. It also keeps results its callers key themselves ({@link #get(Kind, Digest)}: a
 * digest of everything such a result depends on, as the scan engine keeps what reading a whole image
 * gave). Writes are atomic; a damaged entry is a miss, never an error.
 */
public final class LayerCache {
  /** Marks a cache file of this layout: a header (diffID, verified blob digests), then the result. */
  private static final int MAGIC = 0x50434c31; // "PCL1"

  /**
   * A kind of result kept per layer: its name and version are part of the key. A layer analyser is one;
   * a result computed later from a layer's analyses (what a search found in its texts) may be another.
   *
   * @param <R> the result type
   */
  public interface Kind<R> {
    /** Stable kebab-case name, part of the cache key ({@code layer-index}). */
    String name();

    /** Bump when the result for the same layer would change; part of the cache key. */
    int version();

    Class<R> resultType();

    /** Writes a result for the cache; JSON unless the kind knows a more compact form. */
    default void write(R result, OutputStream out) throws IOException {
      Json.MAPPER.writeValue(CacheStreams.unclosable(out), result);
    }

    /** Reads back what {@link #write} wrote; a result that cannot be used is an {@link IOException} (the entry is then a miss). */
    default R read(InputStream in) throws IOException {
      return Json.MAPPER.readValue(CacheStreams.unclosable(in), resultType());
    }
  }

  /** A cache file's header. */
  private record Header(Digest diffId, List<Digest> blobDigests) {}

  /** A result in memory: which analyser made it for which layer, verified with which blob. */
  private record Held(String analyzer, int version, Digest diffId, Digest blob) {}

  /** A result in memory and its weight: the size of its cache file, which is close to what it holds. */
  private record Weighed(Object result, long bytes) {}

  private final Path dir;
  private final long memoryBytes;
  /** Least recently used first; guarded by itself. */
  private final LinkedHashMap<Held, Weighed> recent = new LinkedHashMap<>(16, 0.75f, true);
  private long recentBytes;

  /** A cache in {@code dir} that keeps recent results in memory up to an eighth of the JVM's maximum heap (by cache file size). */
  public LayerCache(Path dir) {
    this(dir, Runtime.getRuntime().maxMemory() / 8);
  }

  /** A cache in {@code dir} that keeps recent results in memory up to {@code memoryBytes} of cache file size (0: none). */
  public LayerCache(Path dir, long memoryBytes) {
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("a memory bound cannot be negative: " + memoryBytes);
    }
    this.dir = dir;
    this.memoryBytes = memoryBytes;
  }

  /** {@code $XDG_CACHE_HOME/portcullis/layers}, else {@code ~/.cache/portcullis/layers}. */
  public static Path defaultDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("portcullis").resolve("layers");
  }

  public Path dir() {
    return dir;
  }

  private Path file(Kind<?> analyzer, Digest diffId) {
    return dir.resolve(analyzer.name()).resolve("v" + analyzer.version()).resolve(diffId.algorithm() + "-" + diffId.hex() + ".bin");
  }

  public <R> Optional<R> get(Kind<R> analyzer, Layer layer) {
    return get(analyzer, layer.diffId(), layer.digest());
  }

  /**
   * A result kept for a whole image (or anything else) under {@code key}, a digest of everything the
   * result depends on: the caller vouches for the key, which the cache only matches.
   */
  public <R> Optional<R> get(Kind<R> kind, Digest key) {
    return get(kind, key, key);
  }

  private <R> Optional<R> get(Kind<R> analyzer, Digest diffId, Digest blob) {
    Held held = new Held(analyzer.name(), analyzer.version(), diffId, blob);
    synchronized (recent) {
      Weighed w = recent.get(held);
      if (w != null) {
        return Optional.of(analyzer.resultType().cast(w.result()));
      }
    }
    Path f = file(analyzer, diffId);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
      long bytes = Files.size(f);
      Header h = readHeader(in);
      if (h.diffId().equals(diffId) && h.blobDigests().contains(blob)) {
        R result = analyzer.read(in);
        hold(held, result, bytes);
        return Optional.of(result);
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Keeps {@code result} in memory, dropping the least recently used results past the bound. */
  private void hold(Held held, Object result, long bytes) {
    if (bytes > memoryBytes) {
      return;
    }
    synchronized (recent) {
      Weighed old = recent.put(held, new Weighed(result, bytes));
      recentBytes += bytes - (old == null ? 0 : old.bytes());
      Iterator<Weighed> it = recent.values().iterator();
      while (recentBytes > memoryBytes && it.hasNext()) {
        recentBytes -= it.next().bytes();
        it.remove();
      }
    }
  }

  /** Stores {@code result} for a layer that was just read and verified. */
  public <R> void put(Kind<R> analyzer, Layer layer, R result) throws IOException {
    put(analyzer, layer.diffId(), layer.digest(), result);
  }

  /** Stores {@code result} under {@code key}, as {@link #get(Kind, Digest)} finds it. */
  public <R> void put(Kind<R> kind, Digest key, R result) throws IOException {
    put(kind, key, key, result);
  }

  private <R> void put(Kind<R> analyzer, Digest diffId, Digest blob, R result) throws IOException {
    Path f = file(analyzer, diffId);
    Files.createDirectories(f.getParent());
    List<Digest> blobs = List.of(blob);
    if (Files.isRegularFile(f)) {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
        Header old = readHeader(in);
        if (old.diffId().equals(diffId)) {
          blobs = Stream.concat(old.blobDigests().stream(), Stream.of(blob)).distinct().sorted().toList();
        }
      } catch (IOException | RuntimeException ignored) {
        // a damaged entry is simply replaced
      }
    }
    Path tmp = Files.createTempFile(f.getParent(), ".tmp-", ".bin");
    try {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
        out.writeInt(MAGIC);
        CacheStreams.writeString(out, diffId.toString());
        out.writeInt(blobs.size());
        for (Digest b : blobs) {
          CacheStreams.writeString(out, b.toString());
        }
        analyzer.write(result, out);
      }
      long bytes = Files.size(tmp);
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      hold(new Held(analyzer.name(), analyzer.version(), diffId, blob), result, bytes);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Header readHeader(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a cache file of this version");
    }
    Digest diffId = Digest.parse(CacheStreams.readString(in));
    int n = CacheStreams.readCount(in);
    List<Digest> blobs = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      blobs.add(Digest.parse(CacheStreams.readString(in)));
    }
    return new Header(diffId, blobs);
  }

  /** Deletes every cached result, in memory and on disk; returns how many files went. */
  public long clean() throws IOException {
    synchronized (recent) {
      recent.clear();
      recentBytes = 0;
    }
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isRegularFile(p)) {
          n++;
        }
        Files.delete(p);
      }
    }
    return n;
  }

}
