package dev.portcullis.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.ImageReadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebuilding a layer's tar from a tar-split file and the layer's directory, as containers-storage keeps them: the
 * fixture tar is split the way tar-split does (raw headers and padding as base64 segments, file entries by name and
 * size) and its files laid out in a directory, as the overlay driver's {@code diff} holds them.
 */
class TarSplitStreamTest {
  @TempDir Path tmp;

  @Test
  void rebuildsTheTarByteForByte() throws IOException {
    byte[] tar = tar(List.of(dir("etc/"), file("etc/hello", "hello\n"), file("etc/empty", ""), file("etc/block", "x".repeat(512)),
        link("etc/link", "/etc/hello"), dir("usr/"), dir("usr/lib/"), file("usr/lib/big", "y".repeat(70_000))));
    Path diff = tmp.resolve("diff");
    Path split = split(tar, diff, List.of());
    assertThat(read(split, diff)).isEqualTo(tar);
  }

  @Test
  void neverFollowsASymbolicLinkOnTheWayToAFile() throws IOException {
    byte[] tar = tar(List.of(dir("etc/"), file("etc/passwd", "root:x:0:0\n")));
    Path diff = tmp.resolve("diff");
    Path split = split(tar, diff, List.of());
    // the layer's etc replaced by a link to a directory outside it that holds a file of that name
    Path outside = Files.createDirectories(tmp.resolve("outside/etc"));
    Files.writeString(outside.resolve("passwd"), "root:x:0:0\n");
    deleteTree(diff.resolve("etc"));
    Files.createSymbolicLink(diff.resolve("etc"), outside);
    assertThatThrownBy(() -> read(split, diff)).isInstanceOf(ImageReadException.class)
        .hasMessage("read layer 0 of test: 'etc/passwd': etc is not a directory in the layer (a symbolic link is not followed)");
  }

  @Test
  void neverOpensASymbolicLinkAsTheFile() throws IOException {
    byte[] tar = tar(List.of(file("secret", "s3cr3t\n")));
    Path diff = tmp.resolve("diff");
    Path split = split(tar, diff, List.of());
    Files.writeString(tmp.resolve("host-file"), "s3cr3t\n");
    Files.delete(diff.resolve("secret"));
    Files.createSymbolicLink(diff.resolve("secret"), tmp.resolve("host-file"));
    assertThatThrownBy(() -> read(split, diff)).isInstanceOf(ImageReadException.class)
        .hasMessageContaining("'secret' has content in its tar but is not a regular file in " + diff);
  }

  @Test
  void refusesANameThatLeavesTheDirectory() throws IOException {
    Path diff = Files.createDirectories(tmp.resolve("layer/diff"));
    Files.writeString(tmp.resolve("layer/outside"), "data");
    Path split = write(List.of("{\"type\":1,\"name\":\"../outside\",\"size\":4,\"payload\":null,\"position\":0}"));
    assertThatThrownBy(() -> read(split, diff)).isInstanceOf(ImageReadException.class)
        .hasMessage("read layer 0 of test: tar-split entry '../outside' leaves the layer's directory");
  }

  @Test
  void aFileShorterThanItsEntryFailsNamingIt() throws IOException {
    byte[] tar = tar(List.of(file("data", "0123456789")));
    Path diff = tmp.resolve("diff");
    Path split = split(tar, diff, List.of());
    Files.writeString(diff.resolve("data"), "0123");
    assertThatThrownBy(() -> read(split, diff)).isInstanceOf(ImageReadException.class)
        .hasMessage("read layer 0 of test: file 'data' is 6 bytes shorter than its tar entry");
  }

  @Test
  void aMissingFileAndBadEntriesFailOnOneLine() throws IOException {
    Path diff = Files.createDirectories(tmp.resolve("diff"));
    assertThatThrownBy(() -> read(write(List.of("{\"type\":1,\"name\":\"gone\",\"size\":3}")), diff))
        .hasMessage("read layer 0 of test: file 'gone' of its tar is missing from " + diff);
    assertThatThrownBy(() -> read(write(List.of("{\"type\":2,\"payload\":\"AAAA\"", "")), diff))
        .hasMessageStartingWith("read layer 0 of test: tar-split entry 1 is not JSON (");
    assertThatThrownBy(() -> read(write(List.of("{\"type\":2,\"payload\":\"!!\"}")), diff))
        .hasMessage("read layer 0 of test: tar-split entry 1: payload is not base64");
    assertThatThrownBy(() -> read(write(List.of("{\"type\":7}")), diff))
        .hasMessage("read layer 0 of test: tar-split entry 1 has unknown type 7");
    assertThatThrownBy(() -> TarSplitStream.open(tmp.resolve("none.tar-split.gz"), diff, 100, "layer 0 of test"))
        .hasMessage("read layer 0 of test: no tar-split file " + tmp.resolve("none.tar-split.gz") + " (the store cannot give the layer's tar back)");
  }

  @Test
  void boundsTheEntriesItReads() throws IOException {
    Path diff = Files.createDirectories(tmp.resolve("diff"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("{\"type\":1,\"name\":\"f" + i + "\"}");
    }
    assertThatThrownBy(() -> {
      try (InputStream in = TarSplitStream.open(write(lines), diff, 10, "layer 0 of test")) {
        in.readAllBytes();
      }
    }).hasMessage("read layer 0 of test: its tar-split file has more than 36 entries (--max-entries)");
  }

  // --- fixture: a tar, split as tar-split splits it

  private record Entry(String name, char type, byte[] content, String target) {}

  private static Entry dir(String name) {
    return new Entry(name, '5', new byte[0], "");
  }

  private static Entry file(String name, String content) {
    return new Entry(name, '0', content.getBytes(StandardCharsets.UTF_8), "");
  }

  private static Entry link(String name, String target) {
    return new Entry(name, '2', new byte[0], target);
  }

  private static byte[] tar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Entry e : entries) {
        TarArchiveEntry t = switch (e.type()) {
          case '5' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_DIR);
          case '2' -> {
            TarArchiveEntry l = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
            l.setLinkName(e.target());
            yield l;
          }
          default -> new TarArchiveEntry(e.name());
        };
        t.setSize(e.content().length);
        t.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(t);
        tar.write(e.content());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** Splits a ustar archive (short names, no extended headers) into tar-split lines and lays its entries out in {@code diff}. */
  private Path split(byte[] tar, Path diff, List<String> extra) throws IOException {
    Files.createDirectories(diff);
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream segment = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < tar.length) {
      byte[] header = Arrays.copyOfRange(tar, pos, pos + 512);
      if (isZero(header)) {
        segment.write(tar, pos, tar.length - pos);
        break;
      }
      String name = cString(header, 0, 100);
      long size = Long.parseLong(cString(header, 124, 12).strip(), 8);
      char type = (char) header[156];
      segment.write(header);
      pos += 512;
      lines.add(segmentLine(segment.toByteArray(), lines.size()));
      segment.reset();
      lines.add("{\"type\":1,\"name\":\"" + name + "\"" + (size > 0 ? ",\"size\":" + size : "") + ",\"payload\":null,\"position\":" + lines.size() + "}");
      Path p = diff.resolve(name);
      switch (type) {
        case '5' -> Files.createDirectories(p);
        case '2' -> Files.createSymbolicLink(p, Path.of(cString(header, 157, 100)));
        default -> Files.write(p, Arrays.copyOfRange(tar, pos, pos + (int) size));
      }
      pos += (int) size;
      int padding = (int) ((512 - size % 512) % 512);
      segment.write(tar, pos, padding);
      pos += padding;
    }
    lines.add(segmentLine(segment.toByteArray(), lines.size()));
    lines.addAll(extra);
    return write(lines);
  }

  private static String segmentLine(byte[] bytes, int position) {
    return "{\"type\":2,\"payload\":\"" + Base64.getEncoder().encodeToString(bytes) + "\",\"position\":" + position + "}";
  }

  private Path write(List<String> lines) throws IOException {
    Path file = Files.createTempFile(tmp, "layer-", ".tar-split.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private static byte[] read(Path split, Path diff) throws IOException {
    try (InputStream in = TarSplitStream.open(split, diff, 1000, "layer 0 of test")) {
      return in.readAllBytes();
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
