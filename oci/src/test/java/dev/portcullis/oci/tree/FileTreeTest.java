package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {
  @TempDir Path tmp;

  private Image open(OciLayoutBuilder b) throws IOException {
    Path dir = tmp.resolve("layout-" + System.nanoTime());
    b.write(dir);
    return Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults());
  }

  private static FileTree tree(Image image) throws IOException {
    return FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
  }

  private static String read(FileTree t, String path) throws IOException {
    try (InputStream in = t.open(t.resolve(path).orElseThrow())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void whiteoutsDeleteFromLowerLayersAndKeepTheDeletedReachable() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("etc").file("etc/secret", "s3cr3t").file("etc/keep", "k").dir("var/cache").file("var/cache/a", "a"))
        .layer(new LayerBuilder().whiteout("etc/secret").whiteout("var/cache")))) {
      FileTree t = tree(image);
      assertThat(t.file("/etc/secret")).isEmpty();
      assertThat(t.file("/var/cache/a")).isEmpty();
      assertThat(t.file("/etc/keep")).isPresent();
      assertThat(t.deleted()).extracting(d -> d.entry().path()).contains("/etc/secret", "/var/cache", "/var/cache/a");
      DeletedEntry secret = t.deleted().stream().filter(d -> d.entry().path().equals("/etc/secret")).findFirst().orElseThrow();
      assertThat(secret.removedBy()).isEqualTo(1);
      assertThat(secret.how()).isEqualTo(DeletedEntry.Removal.WHITEOUT);
      try (InputStream in = t.open(secret.entry())) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("s3cr3t");
      }
    }
  }

  @Test
  void opaqueDirectoryHidesLowerLayersButNotItsOwnLayer() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("data").file("data/old1", "1").file("data/old2", "2"))
        .layer(new LayerBuilder().dir("data").file("data/new", "n").opaque("data")))) {
      FileTree t = tree(image);
      assertThat(t.glob("/data/*")).extracting(FileEntry::path).containsExactly("/data/new");
      assertThat(t.file("/data/new").orElseThrow().layer()).isEqualTo(1);
      assertThat(t.deleted()).extracting(d -> d.how()).containsOnly(DeletedEntry.Removal.OPAQUE_DIRECTORY);
    }
  }

  @Test
  void filesAddedThroughASymlinkedDirectoryLandAtItsTarget() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("usr/lib").symlink("lib", "usr/lib").dir("opt/v2").symlink("opt/current", "/opt/v2"))
        .layer(new LayerBuilder().file("lib/libx.so", "x").file("opt/current/app", "app")))) {
      FileTree t = tree(image);
      assertThat(t.file("/usr/lib/libx.so").orElseThrow().layer()).isEqualTo(1);
      assertThat(t.file("/opt/v2/app")).isPresent();
      assertThat(t.file("/lib/libx.so").orElseThrow().path()).isEqualTo("/usr/lib/libx.so");
      assertThat(t.file("/lib").orElseThrow().type()).isEqualTo(FileType.SYMLINK);
    }
  }

  @Test
  void symlinkChainsLoopsAndDanglingLinksAreTold() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().file("c", "end").symlink("b", "c").symlink("a", "/b").symlink("loop1", "loop2").symlink("loop2", "loop1")
            .symlink("dangling", "/nowhere").symlink("up", "../../../../c")))) {
      FileTree t = tree(image);
      assertThat(read(t, "/a")).isEqualTo("end");
      assertThat(read(t, "/up")).as("'..' never leaves the root").isEqualTo("end");
      assertThat(t.linkStatus(t.file("/loop1").orElseThrow())).isInstanceOf(FileTree.LinkStatus.Loop.class);
      assertThat(t.linkStatus(t.file("/dangling").orElseThrow())).isEqualTo(new FileTree.LinkStatus.Dangling("/nowhere"));
      assertThat(t.resolve("/loop1")).isEmpty();
    }
  }

  @Test
  void hardlinksShareContentWithinALayerAndAcrossLayers() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().file("bin/busybox", "bb").hardlink("bin/sh", "bin/busybox"))
        .layer(new LayerBuilder().hardlink("bin/ls", "/bin/busybox")))) {
      FileTree t = tree(image);
      assertThat(read(t, "/bin/sh")).isEqualTo("bb");
      assertThat(read(t, "/bin/ls")).isEqualTo("bb");
      FileEntry ls = t.file("/bin/ls").orElseThrow();
      assertThat(ls.type()).isEqualTo(FileType.HARDLINK);
      assertThat(ls.linkTarget()).isEqualTo("/bin/busybox");
      assertThat(ls.layer()).isEqualTo(1);
    }
  }

  @Test
  void replacingADirectoryByAFileRemovesWhatWasBeneath() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("x").file("x/inner", "i").file("y", "file"))
        .layer(new LayerBuilder().file("x", "now a file").dir("y").file("y/z", "z")))) {
      FileTree t = tree(image);
      assertThat(t.file("/x").orElseThrow().type()).isEqualTo(FileType.REGULAR);
      assertThat(t.file("/x/inner")).isEmpty();
      assertThat(t.file("/y/z")).isPresent();
      assertThat(t.deleted()).extracting(d -> d.entry().path()).contains("/x", "/x/inner", "/y");
    }
  }

  @Test
  void escapingNamesStayInsideTheRoot() throws IOException {
    try (Image image = open(new OciLayoutBuilder().layer(new LayerBuilder().file("../../etc/evil", "e").file("/abs", "a")))) {
      FileTree t = tree(image);
      assertThat(t.entries()).extracting(FileEntry::path).containsExactly("/abs", "/etc", "/etc/evil");
      assertThat(t.warnings()).anyMatch(w -> w.contains("climbs above the root"));
    }
  }

  @Test
  void aWarningReplayedFromTheCacheNamesTheImageBeingRead() throws IOException {
    byte[] shared = new LayerBuilder().file("../evil", "e").build();
    LayerCache cache = new LayerCache(tmp.resolve("cache"));
    try (Image first = open(new OciLayoutBuilder().layer(shared, OciLayoutBuilder.Compression.GZIP, "ADD evil"));
        Image second = open(new OciLayoutBuilder().layer(new LayerBuilder().file("base", "b"))
            .layer(shared, OciLayoutBuilder.Compression.GZIP, "ADD evil"))) {
      assertThat(first.layers().get(0).digest()).isEqualTo(second.layers().get(1).digest());
      FileTree one = FileTree.read(first, new LayerScanner(cache, Limits.DEFAULT.maxEntries()));
      assertThat(one.warnings()).containsExactly("layer 0 (" + first.layers().get(0).digest() + ") of " + first.name()
          + ": entry '../evil' climbs above the root; kept inside it as /evil");

      LayerScanner warm = new LayerScanner(cache, Limits.DEFAULT.maxEntries());
      assertThat(warm.scan(second, java.util.List.of(LayerIndexer.INSTANCE)).get(1).read()).as("the shared layer comes from the cache").isFalse();
      FileTree two = FileTree.read(second, warm);
      assertThat(two.warnings()).containsExactly("layer 1 (" + second.layers().get(1).digest() + ") of " + second.name()
          + ": entry '../evil' climbs above the root; kept inside it as /evil");
    }
  }

  @Test
  void zstdAndUncompressedLayersReadTheSameAsGzip() throws IOException {
    byte[] tar = new LayerBuilder().file("hello", "world").build();
    for (OciLayoutBuilder.Compression c : OciLayoutBuilder.Compression.values()) {
      try (Image image = open(new OciLayoutBuilder().layer(tar, c, "ADD hello"))) {
        FileTree t = tree(image);
        assertThat(read(t, "/hello")).as(c.name()).isEqualTo("world");
        assertThat(t.layer(t.file("/hello").orElseThrow()).createdBy()).contains("ADD hello");
      }
    }
  }

  @Test
  void aCachedLayerIsNotReadAgain() throws IOException {
    Path dir = tmp.resolve("cached");
    new OciLayoutBuilder().layer(new LayerBuilder().file("a", "1")).layer(new LayerBuilder().file("b", "2")).write(dir);
    LayerScanner scanner = new LayerScanner(new LayerCache(tmp.resolve("cache")), Limits.DEFAULT.maxEntries());
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      assertThat(FileTree.read(image, scanner).size()).isEqualTo(2);
      // with the layer blobs gone, only the cache can answer
      for (var l : image.layers()) {
        Files.delete(dir.resolve("blobs/sha256").resolve(l.digest().hex()));
      }
      assertThat(FileTree.read(image, scanner).entries()).extracting(FileEntry::path).containsExactly("/a", "/b");
      assertThatThrownBy(() -> tree(image)).isInstanceOf(ImageReadException.class).hasMessageContaining("missing");
    }
  }

  @Test
  void aLayerWhoseContentDoesNotMatchItsDiffIdIsRefused() throws IOException {
    Path dir = tmp.resolve("lying");
    new OciLayoutBuilder().layer(new LayerBuilder().file("a", "1").build(), OciLayoutBuilder.Compression.NONE, "x").write(dir);
    // replace the blob with other content under the same name: the blob digest check must catch it
    Path blob;
    try (Stream<Path> s = Files.list(dir.resolve("blobs/sha256"))) {
      blob = s.filter(p -> {
        try {
          return Files.size(p) > 1000;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).findFirst().orElseThrow();
    }
    byte[] other = new LayerBuilder().file("a", "2").build();
    Files.write(blob, other);
    try (Image image = Images.open(new ImageSource.OciLayout(dir, null), ReadOptions.defaults())) {
      assertThatThrownBy(() -> tree(image)).isInstanceOf(ImageReadException.class)
          .hasMessageContaining("digest mismatch").hasMessageContaining("expected sha256:");
    }
  }

  @Test
  void manyContentsAreReadInOnePassPerLayerHardlinksIncluded() throws IOException {
    try (Image image = open(new OciLayoutBuilder()
        .layer(new LayerBuilder().file("a/1", "one").file("a/2", "two").file("skip", "x"))
        .layer(new LayerBuilder().file("b/3", "three").hardlink("b/4", "b/3")))) {
      FileTree t = tree(image);
      java.util.Map<String, String> seen = new java.util.TreeMap<>();
      t.contents(t.glob("/{a,b}/*"), (e, in) -> seen.put(e.path(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      assertThat(seen).containsExactly(java.util.Map.entry("/a/1", "one"), java.util.Map.entry("/a/2", "two"),
          java.util.Map.entry("/b/3", "three"), java.util.Map.entry("/b/4", "three"));
    }
  }
}
