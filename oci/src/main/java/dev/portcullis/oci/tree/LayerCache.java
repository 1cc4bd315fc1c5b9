package dev.portcullis.oci.tree;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Layer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
  /** Marks a cache file of this layout: a header (diffID, verified blob digests), then the result. */
  private static final int MAGIC = 0x50434c31; // "PCL1"

  /** A cache file's header. */
  private record Header(Digest diffId, List<Digest> blobDigests) {}

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
    return dir.resolve(analyzer.name()).resolve("v" + analyzer.version()).resolve(diffId.algorithm() + "-" + diffId.hex() + ".bin");
  }

  public <R> Optional<R> get(LayerAnalyzer<R> analyzer, Layer layer) {
    Path f = file(analyzer, layer.diffId());
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
      Header h = readHeader(in);
      if (h.diffId().equals(layer.diffId()) && h.blobDigests().contains(layer.digest())) {
        return Optional.of(analyzer.read(in));
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
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
        Header old = readHeader(in);
        if (old.diffId().equals(layer.diffId())) {
          blobs = Stream.concat(old.blobDigests().stream(), Stream.of(layer.digest())).distinct().sorted().toList();
        }
      } catch (IOException | RuntimeException ignored) {
        // a damaged entry is simply replaced
      }
    }
    Path tmp = Files.createTempFile(f.getParent(), ".tmp-", ".bin");
    try {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
        out.writeInt(MAGIC);
        CacheStreams.writeString(out, layer.diffId().toString());
        out.writeInt(blobs.size());
        for (Digest b : blobs) {
          CacheStreams.writeString(out, b.toString());
        }
        analyzer.write(result, out);
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

}
