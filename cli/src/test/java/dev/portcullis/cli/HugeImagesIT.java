package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images within the documented limits but with millions of entries, read by the command line in a
 * JVM of its own under the default heap of 512 MiB: each is listed or refused with one line, never
 * an OutOfMemoryError. The images are generated here, streaming, as gzip layers of empty files.
 */
class HugeImagesIT {
  /** 2,000 directories of 1,000 empty files each, plus the directories: the layer of the report. */
  private static final int DIRS = 2_000;
  private static final int FILES_PER_DIR = 1_000;
  private static final int ENTRIES = DIRS + DIRS * FILES_PER_DIR;

  @TempDir static Path tmp;
  private static Path layout;

  @BeforeAll
  static void generate() throws Exception {
    layout = tmp.resolve("huge");
    writeLayout(layout, out -> {
      for (int d = 0; d < DIRS; d++) {
        String dir = "d" + d + "/";
        TarArchiveEntry de = new TarArchiveEntry(dir);
        de.setMode(040755);
        out.putArchiveEntry(de);
        out.closeArchiveEntry();
        for (int f = 0; f < FILES_PER_DIR; f++) {
          TarArchiveEntry fe = new TarArchiveEntry(dir + f);
          fe.setMode(0100644);
          out.putArchiveEntry(fe);
          out.closeArchiveEntry();
        }
      }
    });
  }

  @Test
  void imageFilesListsEveryEntryOfATwoMillionEntryLayer() throws Exception {
    Path stdout = tmp.resolve("files.txt");
    CliRun r = CliRun.forked(stdout, "image", "files", "oci-dir:" + layout, "--no-cache", "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    long lines;
    try (var s = Files.lines(stdout)) {
      lines = s.count();
    }
    assertThat(lines).isEqualTo(1 + ENTRIES);
  }

  @Test
  void sbomOfATwoMillionEntryLayerFinds() throws Exception {
    CliRun r = CliRun.forked(tmp.resolve("sbom.json"), "sbom", "oci-dir:" + layout, "--no-cache", "-q", "--format", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("OutOfMemoryError");
  }

  @Test
  void theEntryLimitIsEnforcedAsTheLayerStreams() throws Exception {
    CliRun r = CliRun.forked(tmp.resolve("limited.txt"), "image", "files", "oci-dir:" + layout, "--no-cache", "-q", "--max-entries", "1000000");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("portcullis: read layer 0 (sha256:").endsWith(": more than 1000000 entries in the image");
  }

  @Test
  void anArchiveWhoseOuterTarHasTwoMillionEntriesIsRefusedWithOneLine() throws Exception {
    Path archive = tmp.resolve("outer.tar.gz");
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16);
        GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      addFile(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
      for (int i = 0; i < 2_000_000; i++) {
        tar.putArchiveEntry(new TarArchiveEntry("e" + i));
        tar.closeArchiveEntry();
      }
    }
    CliRun r = CliRun.forked(tmp.resolve("outer.txt"), "image", "inspect", "oci-archive:" + archive, "--no-cache", "-q");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("portcullis: read oci-archive:" + archive + ": the archive has more than 100000 entries (--max-archive-entries)");
  }

  private static void addFile(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  /** A layout of one gzip layer written by {@code entries}, its digests computed as it is written. */
  private interface Entries {
    void write(TarArchiveOutputStream out) throws IOException;
  }

  private static void writeLayout(Path dir, Entries entries) throws IOException, NoSuchAlgorithmException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Path layerFile = blobs.resolve("layer.tmp");
    MessageDigest compressed = MessageDigest.getInstance("SHA-256");
    MessageDigest plain = MessageDigest.getInstance("SHA-256");
    try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(layerFile), 1 << 16), compressed);
        GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(gz, plain))) {
      entries.write(tar);
    }
    String layerDigest = HexFormat.of().formatHex(compressed.digest());
    String diffId = HexFormat.of().formatHex(plain.digest());
    long layerSize = Files.size(layerFile);
    Files.move(layerFile, blobs.resolve(layerDigest));
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + diffId + "\"]}}";
    String configDigest = blob(blobs, config);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + configDigest + "\",\"size\":" + config.length() + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + layerDigest + "\",\"size\":" + layerSize + "}]}";
    String manifestDigest = blob(blobs, manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"digest\":\"sha256:" + manifestDigest + "\",\"size\":" + manifest.length() + "}]}");
  }

  private static String blob(Path blobs, String content) throws IOException, NoSuchAlgorithmException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    Files.write(blobs.resolve(digest), b);
    return digest;
  }
}
