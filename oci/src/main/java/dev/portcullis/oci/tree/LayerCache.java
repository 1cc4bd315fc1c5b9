package dev.portcullis.oci.tree;

import com.fasterxml.jackson.databind.JavaType;
import dev.portcullis.core.Digest;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.internal.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Per-layer analysis results on disk, keyed by analyser name, analyser version and layer diffID.
 * A result is only served for a layer whose stored blob digest was seen to decompress to that
 * diffID when the result was made, so an image that lies about its diffIDs cannot borrow another
 * layer's results. Writes are atomic; a damaged entry is a miss, never an error.
 */
public final class LayerCache {
  /** What one cache file holds. */
  record Entry<R>(Digest diffId, List<Digest> blobDigests, R result) {}

  private final Path dir;

  public LayerCache(Path dir) {
    this.dir = dir;
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

  private Path file(LayerAnalyzer<?> analyzer, Digest diffId) {
    return dir.resolve(analyzer.name()).resolve("v" + analyzer.version()).resolve(diffId.algorithm() + "-" + diffId.hex() + ".json");
  }

  public <R> Optional<R> get(LayerAnalyzer<R> analyzer, Layer layer) {
    Path f = file(analyzer, layer.diffId());
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
      Entry<R> e = Json.MAPPER.readValue(in, entryType(analyzer));
      if (e.diffId().equals(layer.diffId()) && e.blobDigests().contains(layer.digest())) {
        return Optional.of(e.result());
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores {@code result} for a layer that was just read and verified. */
  public <R> void put(LayerAnalyzer<R> analyzer, Layer layer, R result) throws IOException {
    Path f = file(analyzer, layer.diffId());
    Files.createDirectories(f.getParent());
    List<Digest> blobs = List.of(layer.digest());
    if (Files.isRegularFile(f)) {
      try (InputStream in = Files.newInputStream(f)) {
        Entry<R> old = Json.MAPPER.readValue(in, entryType(analyzer));
        if (old.diffId().equals(layer.diffId())) {
          blobs = Stream.concat(old.blobDigests().stream(), Stream.of(layer.digest())).distinct().sorted().toList();
        }
      } catch (IOException | RuntimeException ignored) {
        // a damaged entry is simply replaced
      }
    }
    Path tmp = Files.createTempFile(f.getParent(), ".tmp-", ".json");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        Json.MAPPER.writeValue(out, new Entry<>(layer.diffId(), blobs, result));
      }
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Deletes every cached result; returns how many files went. */
  public long clean() throws IOException {
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

  private static JavaType entryType(LayerAnalyzer<?> analyzer) {
    return Json.MAPPER.getTypeFactory().constructParametricType(Entry.class, analyzer.resultType());
  }
}
