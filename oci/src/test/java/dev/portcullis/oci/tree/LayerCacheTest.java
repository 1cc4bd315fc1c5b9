package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Digest;
import dev.portcullis.oci.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCacheTest {
  @TempDir Path tmp;

  private static Layer layer(Digest blob, Digest diffId) {
    return new Layer() {
      @Override
      public int index() {
        return 0;
      }

      @Override
      public Digest digest() {
        return blob;
      }

      @Override
      public Digest diffId() {
        return diffId;
      }

      @Override
      public long size() {
        return 1;
      }

      @Override
      public String mediaType() {
        return "application/vnd.oci.image.layer.v1.tar+gzip";
      }

      @Override
      public Optional<String> createdBy() {
        return Optional.empty();
      }

      @Override
      public InputStream open() {
        throw new AssertionError("a cache test never reads the layer");
      }
    };
  }

  private static final Digest DIFF = Digest.sha256("tar".getBytes());
  private static final Digest BLOB = Digest.sha256("gzip".getBytes());
  private static final LayerIndex INDEX = new LayerIndex(
      List.of(new LayerEntry(0, "/etc", FileType.DIRECTORY, 0755, 0, 0, 0, "", 1),
          new LayerEntry(1, "/etc/päss wd", FileType.REGULAR, 04755, 1000, 1000, 1234, "", 1_700_000_000L),
          new LayerEntry(3, "/lib", FileType.SYMLINK, 0777, 0, 0, 0, "usr/lib", 2),
          new LayerEntry(4, "/x/" + "long".repeat(5000), FileType.HARDLINK, 0644, 0, 0, 0, "/etc/päss wd", 3)),
      List.of("/gone"), List.of("/data"), List.of("a warning"));

  @Test
  void theIndexComesBackAsItWasWritten() throws IOException {
    new LayerCache(tmp).put(LayerIndexer.INSTANCE, layer(BLOB, DIFF), INDEX);
    // another cache on the same directory (another process) reads it from disk
    assertThat(new LayerCache(tmp).get(LayerIndexer.INSTANCE, layer(BLOB, DIFF))).contains(INDEX);
  }

  @Test
  void aBlobNotSeenToDecompressToTheDiffIdGetsNothing() throws IOException {
    LayerCache cache = new LayerCache(tmp);
    cache.put(LayerIndexer.INSTANCE, layer(BLOB, DIFF), INDEX);
    Digest otherBlob = Digest.sha256("another blob claiming the same diffID".getBytes());
    // neither from memory nor from disk
    assertThat(cache.get(LayerIndexer.INSTANCE, layer(otherBlob, DIFF))).isEmpty();
    assertThat(new LayerCache(tmp).get(LayerIndexer.INSTANCE, layer(otherBlob, DIFF))).isEmpty();
    // once that blob has been read and verified, it shares the entry
    cache.put(LayerIndexer.INSTANCE, layer(otherBlob, DIFF), INDEX);
    for (LayerCache c : List.of(cache, new LayerCache(tmp))) {
      assertThat(c.get(LayerIndexer.INSTANCE, layer(otherBlob, DIFF))).contains(INDEX);
      assertThat(c.get(LayerIndexer.INSTANCE, layer(BLOB, DIFF))).contains(INDEX);
    }
  }

  @Test
  void recentResultsAreServedFromMemoryUpToTheBound() throws IOException {
    Digest diff2 = Digest.sha256("tar 2".getBytes());
    Digest blob2 = Digest.sha256("gzip 2".getBytes());
    LayerCache sizing = new LayerCache(tmp.resolve("sizing"), 0);
    sizing.put(LayerIndexer.INSTANCE, layer(BLOB, DIFF), INDEX);
    long one;
    try (Stream<Path> s = Files.walk(tmp.resolve("sizing"))) {
      one = Files.size(s.filter(Files::isRegularFile).findFirst().orElseThrow());
    }
    // room for one result: the second one stored pushes the first out
    LayerCache cache = new LayerCache(tmp.resolve("c"), one + one / 2);
    cache.put(LayerIndexer.INSTANCE, layer(BLOB, DIFF), INDEX);
    LayerIndex read = new LayerCache(tmp.resolve("c")).get(LayerIndexer.INSTANCE, layer(BLOB, DIFF)).orElseThrow();
    cache.put(LayerIndexer.INSTANCE, layer(blob2, diff2), read);
    deleteFiles(tmp.resolve("c"));
    assertThat(cache.get(LayerIndexer.INSTANCE, layer(blob2, diff2))).get().isSameAs(read);
    assertThat(cache.get(LayerIndexer.INSTANCE, layer(BLOB, DIFF))).isEmpty();
    // a cache without memory reads from disk each time
    assertThat(sizing.get(LayerIndexer.INSTANCE, layer(BLOB, DIFF))).get().isNotSameAs(sizing.get(LayerIndexer.INSTANCE, layer(BLOB, DIFF)).orElseThrow());
    // clean forgets what memory held
    cache.clean();
    assertThat(cache.get(LayerIndexer.INSTANCE, layer(blob2, diff2))).isEmpty();
  }

  private static void deleteFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aDamagedEntryIsAMissAndCleanEmptiesTheCache() throws IOException {
    LayerCache cache = new LayerCache(tmp);
    cache.put(LayerIndexer.INSTANCE, layer(BLOB, DIFF), INDEX);
    Path file;
    try (Stream<Path> s = Files.walk(tmp)) {
      file = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(new LayerCache(tmp).get(LayerIndexer.INSTANCE, layer(BLOB, DIFF))).isEmpty();
    assertThat(cache.clean()).isEqualTo(1);
    assertThat(tmp).doesNotExist();
  }
}
