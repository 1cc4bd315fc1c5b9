package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileEntry;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourcesTest {
  @TempDir Path tmp;

  /** A tar of the given name → content pairs, in order. */
  static void tar(Path out, Map<String, byte[]> files) throws IOException {
    try (OutputStream o = Files.newOutputStream(out); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (var e : files.entrySet()) {
        TarArchiveEntry te = new TarArchiveEntry(e.getKey());
        te.setSize(e.getValue().length);
        t.putArchiveEntry(te);
        t.write(e.getValue());
        t.closeArchiveEntry();
      }
    }
  }

  /** Every file of a directory tree as name → bytes, names relative and sorted. */
  static Map<String, byte[]> filesOf(Path dir) throws IOException {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Path legacyDockerArchive(String name, String... tags) throws IOException {
    byte[] layer = new LayerBuilder().file("etc/hostname", "legacy").build();
    String diffId = OciLayoutBuilder.sha256(layer);
    byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"nobody\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},\"history\":[{\"created_by\":\"ADD hostname\"}]}");
    String configName = OciLayoutBuilder.sha256(config).substring(7) + ".json";
    String repoTags = String.join(",", Stream.of(tags).map(t -> "\"" + t + "\"").toList());
    byte[] manifest = utf8("[{\"Config\":\"" + configName + "\",\"RepoTags\":[" + repoTags + "],\"Layers\":[\"0123/layer.tar\"]}]");
    Path out = tmp.resolve(name);
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("manifest.json", manifest);
    files.put(configName, config);
    files.put("0123/layer.tar", layer);
    tar(out, files);
    return out;
  }

  @Test
  void legacyDockerArchiveIsDetectedAndRead() throws IOException {
    Path archive = legacyDockerArchive("legacy.tar", "example.com/app:1");
    ImageSource s = ImageSource.parse(archive.toString());
    assertThat(s).isInstanceOf(ImageSource.DockerArchive.class);
    try (Image image = Images.open(s, ReadOptions.defaults())) {
      assertThat(image.config().user()).isEqualTo("nobody");
      assertThat(image.layers().get(0).digest()).as("an uncompressed layer's digest is its diffID").isEqualTo(image.layers().get(0).diffId());
      assertThat(image.layers().get(0).createdBy()).contains("ADD hostname");
      FileTree t = FileTree.read(image, new LayerScanner(null, Limits.DEFAULT.maxEntries()));
      assertThat(t.entries()).extracting(FileEntry::path).containsExactly("/etc", "/etc/hostname");
    }
    try (Image image = Images.open(ImageSource.parse("docker-archive:" + archive + ":example.com/app:1"), ReadOptions.defaults())) {
      assertThat(image.config().user()).isEqualTo("nobody");
    }
    assertThatThrownBy(() -> Images.open(ImageSource.parse("docker-archive:" + archive + ":other:2"), ReadOptions.defaults()))
        .isInstanceOf(ImageReadException.class).hasMessageContaining("no image tagged 'other:2'").hasMessageContaining("example.com/app:1");
  }

  @Test
  void newerDockerSaveOutputIsReadThroughItsLayout() throws IOException {
    // Docker 25+ writes an OCI layout and a legacy manifest.json side by side
    Path layout = tmp.resolve("docker25");
    String digest = new OciLayoutBuilder().layer(new LayerBuilder().file("etc/hostname", "oci-form")).refName("app:1").write(layout);
    Map<String, byte[]> files = new java.util.LinkedHashMap<>(filesOf(layout));
    files.put("manifest.json", utf8("[{\"Config\":\"blobs/sha256/unused\",\"RepoTags\":[\"app:1\"],\"Layers\":[]}]"));
    Path archive = tmp.resolve("docker25.tar");
    tar(archive, files);
    ImageSource s = ImageSource.parse(archive.toString());
    assertThat(s).isInstanceOf(ImageSource.DockerArchive.class);
    try (Image image = Images.open(s, ReadOptions.defaults())) {
      assertThat(image.digest()).as("the real manifest digest, not a synthesised one").isEqualTo(Digest.parse(digest));
      assertThat(FileTree.read(image, new LayerScanner(null, 100)).file("/etc/hostname")).isPresent();
    }
  }

  @Test
  void aGzippedArchiveIsReadToo() throws IOException {
    Path archive = legacyDockerArchive("plain.tar", "app:1");
    Path gz = tmp.resolve("saved.tar.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(archive, o);
    }
    try (Image image = Images.open(ImageSource.parse(gz.toString()), ReadOptions.defaults())) {
      assertThat(image.config().user()).isEqualTo("nobody");
    }
  }

  @Test
  void ociArchiveIsATarOfALayout() throws IOException {
    Path layout = tmp.resolve("layout");
    String digest = new OciLayoutBuilder().layer(new LayerBuilder().file("a", "b")).refName("v1").write(layout);
    Path archive = tmp.resolve("oci.tar");
    tar(archive, filesOf(layout));
    ImageSource s = ImageSource.parse(archive.toString());
    assertThat(s).isInstanceOf(ImageSource.OciArchive.class);
    try (Image image = Images.open(s, ReadOptions.defaults())) {
      assertThat(image.digest()).isEqualTo(Digest.parse(digest));
    }
    try (Image image = Images.open(ImageSource.parse("oci-archive:" + archive + ":v1"), ReadOptions.defaults())) {
      assertThat(image.digest()).isEqualTo(Digest.parse(digest));
    }
    assertThatThrownBy(() -> Images.open(ImageSource.parse("oci-archive:" + archive + ":v2"), ReadOptions.defaults()))
        .hasMessageContaining("no image named 'v2' (the layout has: v1)");
  }

  @Test
  void bareArgumentsAreDetected() throws IOException {
    Path layout = tmp.resolve("l");
    new OciLayoutBuilder().layer(new LayerBuilder().file("a", "b")).write(layout);
    assertThat(ImageSource.parse(layout.toString())).isEqualTo(new ImageSource.OciLayout(layout, null));
    assertThat(ImageSource.parse(layout + ":latest")).isEqualTo(new ImageSource.OciLayout(layout, "latest"));
    assertThat(ImageSource.parse("alpine")).isInstanceOf(ImageSource.Remote.class);
    assertThat(((ImageSource.Remote) ImageSource.parse("registry:127.0.0.1:5000/app:1")).ref().apiHost()).isEqualTo("127.0.0.1:5000");
    Path notImage = Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> ImageSource.parse(notImage.toString())).hasMessageContaining("neither an image layout, nor an image archive");
    assertThatThrownBy(() -> ImageSource.parse(tmp.toString())).hasMessageContaining("not an OCI image layout");
  }

  @Test
  void aMultiPlatformLayoutIsResolvedByPlatform() throws IOException {
    // two single-image layouts merged under one nested index
    Path amd = tmp.resolve("amd");
    Path arm = tmp.resolve("arm");
    String amdDigest = new OciLayoutBuilder().layer(new LayerBuilder().file("arch", "amd64")).write(amd);
    String armDigest = new OciLayoutBuilder().layer(new LayerBuilder().file("arch", "arm64")).write(arm);
    Path multi = tmp.resolve("multi");
    Files.createDirectories(multi.resolve("blobs/sha256"));
    for (Path p : new Path[] {amd, arm}) {
      try (Stream<Path> s = Files.list(p.resolve("blobs/sha256"))) {
        for (Path b : s.toList()) {
          Files.copy(b, multi.resolve("blobs/sha256").resolve(b.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    long amdSize = Files.size(multi.resolve("blobs/sha256").resolve(amdDigest.substring(7)));
    long armSize = Files.size(multi.resolve("blobs/sha256").resolve(armDigest.substring(7)));
    byte[] nested = utf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + amdDigest + "\",\"size\":" + amdSize + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + armDigest + "\",\"size\":" + armSize + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + armDigest + "\",\"size\":" + armSize + ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}");
    String nestedDigest = OciLayoutBuilder.sha256(nested);
    Files.write(multi.resolve("blobs/sha256").resolve(nestedDigest.substring(7)), nested);
    Files.writeString(multi.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(multi.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\""
        + nestedDigest + "\",\"size\":" + nested.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"multi\"}}]}");
    ImageSource s = ImageSource.parse("oci-dir:" + multi + ":multi");
    try (Image image = Images.open(s, ReadOptions.defaults().withPlatform(Platform.parse("linux/arm64")))) {
      assertThat(image.digest().toString()).isEqualTo(armDigest);
    }
    try (Image image = Images.open(s, ReadOptions.defaults().withPlatform(Platform.parse("linux/amd64")))) {
      assertThat(image.digest().toString()).isEqualTo(amdDigest);
    }
    assertThatThrownBy(() -> Images.open(s, ReadOptions.defaults().withPlatform(Platform.parse("linux/s390x"))))
        .isInstanceOf(ImageReadException.class)
        .hasMessageContaining("no image for platform linux/s390x").hasMessageContaining("linux/amd64, linux/arm64/v8");
  }

  @Test
  void foreignLayersAreSkippedAndReported() throws IOException {
    Path layout = tmp.resolve("foreign");
    String digest = new OciLayoutBuilder().layer(new LayerBuilder().file("a", "b")).write(layout);
    Path manifestFile = layout.resolve("blobs/sha256").resolve(digest.substring(7));
    String manifest = Files.readString(manifestFile);
    String foreign = "{\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\",\"digest\":\"sha256:" + "1".repeat(64)
        + "\",\"size\":10,\"urls\":[\"https://example.invalid/layer\"]},";
    // the foreign layer needs a diff_id too; rewrite config accordingly
    String configDigest = manifest.replaceAll(".*\"config\":\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*", "$1");
    Path configFile = layout.resolve("blobs/sha256").resolve(configDigest.substring(7));
    String config = Files.readString(configFile).replace("\"diff_ids\":[", "\"diff_ids\":[\"sha256:" + "2".repeat(64) + "\",");
    String newConfigDigest = OciLayoutBuilder.sha256(utf8(config));
    Files.writeString(layout.resolve("blobs/sha256").resolve(newConfigDigest.substring(7)), config);
    String newManifest = manifest.replace(configDigest, newConfigDigest).replace("\"size\":" + Files.size(configFile), "\"size\":" + utf8(config).length)
        .replace("\"layers\":[", "\"layers\":[" + foreign);
    String newDigest = OciLayoutBuilder.sha256(utf8(newManifest));
    Files.writeString(layout.resolve("blobs/sha256").resolve(newDigest.substring(7)), newManifest);
    Files.writeString(layout.resolve("index.json"), Files.readString(layout.resolve("index.json")).replace(digest, newDigest)
        .replaceAll("\"size\":\\d+", "\"size\":" + utf8(newManifest).length));
    try (Image image = Images.open(new ImageSource.OciLayout(layout, null), ReadOptions.defaults())) {
      assertThat(image.layers()).hasSize(1);
      assertThat(image.skippedLayers()).singleElement().satisfies(sk -> assertThat(sk.reason()).contains("foreign").contains("example.invalid"));
      assertThat(FileTree.read(image, new LayerScanner(null, 100)).file("/a")).isPresent();
    }
  }
}
