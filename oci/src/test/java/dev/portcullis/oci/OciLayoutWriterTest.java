package dev.portcullis.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.images.OciLayoutWriter;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.testkit.OciLayoutFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutWriterTest {
  private static final Platform AMD64 = new Platform("linux", "amd64", null);

  @TempDir Path tmp;

  private Image open(Path dir, String name) throws Exception {
    return Images.open(new ImageSource.OciLayout(dir, name), ReadOptions.defaults().withPlatform(AMD64));
  }

  private static void readAllLayers(Image image) throws Exception {
    for (Layer l : image.layers()) {
      try (InputStream in = l.open()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
  }

  @Test
  void copiesAnImageWithEveryDigestKeptAndReadsBack() throws Exception {
    OciLayoutFixture source = OciLayoutFixture.create(tmp.resolve("src"));
    OciLayoutFixture.Blob m = source.image("app", AMD64, List.of(Map.of("a", "1\n"), Map.of("b", "2\n")));
    Path out = tmp.resolve("out");
    try (Image image = open(source.dir(), "app")) {
      assertThat(OciLayoutWriter.write(image, out, "saved:1")).isEqualTo(m.digest());
    }
    try (Image copy = open(out, "saved:1"); Image original = open(source.dir(), "app")) {
      assertThat(copy.digest()).isEqualTo(m.digest());
      assertThat(copy.rawConfig()).isEqualTo(original.rawConfig());
      assertThat(copy.layers()).extracting(Layer::digest).isEqualTo(original.layers().stream().map(Layer::digest).toList());
      readAllLayers(copy);
    }
    assertThat(Files.readString(out.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
    try (Stream<Path> blobs = Files.list(out.resolve("blobs/sha256"))) {
      List<Path> files = blobs.toList();
      assertThat(files).hasSize(4);
      for (Path f : files) {
        assertThat(Digest.sha256(Files.readAllBytes(f)).hex()).isEqualTo(f.getFileName().toString());
      }
    }
  }

  @Test
  void addsToAnExistingLayoutAndReplacesASameNamedEntry() throws Exception {
    OciLayoutFixture source = OciLayoutFixture.create(tmp.resolve("src"));
    OciLayoutFixture.Blob one = source.image("one", AMD64, List.of(Map.of("a", "1\n")));
    OciLayoutFixture.Blob two = source.image("two", AMD64, List.of(Map.of("a", "2\n")));
    Path out = tmp.resolve("out");
    try (Image a = open(source.dir(), "one"); Image b = open(source.dir(), "two")) {
      OciLayoutWriter.write(a, out, "first");
      OciLayoutWriter.write(b, out, "second");
      OciLayoutWriter.write(b, out, "first");
    }
    JsonNode index = Json.MAPPER.readTree(out.resolve("index.json").toFile());
    assertThat(index.path("manifests")).hasSize(2);
    try (Image first = open(out, "first"); Image second = open(out, "second")) {
      assertThat(first.digest()).isEqualTo(two.digest());
      assertThat(second.digest()).isEqualTo(two.digest());
    }
    // the blobs of the replaced image stay: a layout is garbage-collected by its owner, not by us
    assertThat(out.resolve("blobs/sha256/" + one.digest().hex())).exists();
  }

  @Test
  void aCorruptSourceBlobLeavesNoBlobAndNoEntry() throws Exception {
    OciLayoutFixture source = OciLayoutFixture.create(tmp.resolve("src"));
    source.image("app", AMD64, List.of(Map.of("a", "1\n")));
    Path out = tmp.resolve("out");
    try (Image image = open(source.dir(), "app")) {
      Digest layer = image.layers().get(0).digest();
      Path blob = source.dir().resolve("blobs/sha256/" + layer.hex());
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length - 5] ^= 0x55;
      Files.write(blob, bytes);
      assertThatThrownBy(() -> OciLayoutWriter.write(image, out, "app"))
          .isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith("save " + image.name() + " to " + out + ": verify blob " + layer + ": digest mismatch: expected " + layer);
    }
    try (Stream<Path> files = Files.walk(out)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())).containsExactly("oci-layout");
    }
  }

  @Test
  void refusesBadNamesAndDirectoriesThatAreNotLayouts() throws Exception {
    OciLayoutFixture source = OciLayoutFixture.create(tmp.resolve("src"));
    source.image("app", AMD64, List.of(Map.of("a", "1\n")));
    Path notLayout = Files.createDirectories(tmp.resolve("not"));
    Files.writeString(notLayout.resolve("index.json"), "{}");
    try (Image image = open(source.dir(), "app")) {
      assertThatThrownBy(() -> OciLayoutWriter.write(image, tmp.resolve("x"), "bad name"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
      assertThatThrownBy(() -> OciLayoutWriter.write(image, notLayout, "app"))
          .hasMessageEndingWith("the directory has an index.json but no oci-layout file; is this an OCI layout?");
    }
  }
}
