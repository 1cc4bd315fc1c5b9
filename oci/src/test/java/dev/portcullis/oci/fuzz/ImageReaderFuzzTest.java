package dev.portcullis.oci.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.fuzz.LayoutModel.Document;
import dev.portcullis.oci.fuzz.LayoutModel.Layer;
import dev.portcullis.oci.fuzz.TarSurgery.Field;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.Exporter;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder.Compression;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds the image reader and the exporter seeded, mutated layouts: broken layer tars, broken
 * gzip and zstd blobs, decompression bombs and broken JSON documents, plus well-formed but hostile
 * tars. Every case must end in success or one {@link ImageReadException} with a one-line message;
 * nothing may be written outside the export target. Reproduce a failure with the seed and case
 * number in its message: {@code -Dtest=ImageReaderFuzzTest -Dportcullis.fuzz.seed=SEED
 * -Dportcullis.fuzz.case=N}; another seed explores other inputs.
 */
class ImageReaderFuzzTest {
  private static final long SEED = Long.getLong("portcullis.fuzz.seed", 0x5EED_0C1L);
  private static final Limits LIMITS = new Limits(64L << 20, 5_000, 100, 1L << 20, 1L << 20);
  private static final Duration HANG = Duration.ofSeconds(30);
  /** Messages quote names and values from the image; they must stay readable on a terminal. */
  private static final int MAX_MESSAGE = 4096;

  private static final int TAR_CASES = 420;
  private static final int HOSTILE_CASES = 160;
  private static final int BLOB_CASES = 260;
  private static final int JSON_CASES = 320;

  @TempDir static Path root;
  private static Path sentinel;
  private static Path spool;
  private static Map<String, String> sentinelBefore;

  @BeforeAll
  static void placeSentinel() throws IOException {
    sentinel = root.resolve("sentinel");
    spool = Files.createDirectories(root.resolve("spool"));
    restoreSentinel();
    sentinelBefore = snapshot(sentinel);
  }

  /** The directory beside every sandbox that hostile names aim at: {@code ../../sentinel} from the export target. */
  private static void restoreSentinel() throws IOException {
    if (Files.exists(sentinel, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(sentinel);
    }
    Files.createDirectories(sentinel.resolve("sub"));
    Files.writeString(sentinel.resolve("keep"), "must not change");
    Files.writeString(sentinel.resolve("sub/inner"), "must not change either");
    Files.setLastModifiedTime(sentinel.resolve("keep"), java.nio.file.attribute.FileTime.fromMillis(0));
    Files.setLastModifiedTime(sentinel.resolve("sub/inner"), java.nio.file.attribute.FileTime.fromMillis(0));
    Files.setLastModifiedTime(sentinel.resolve("sub"), java.nio.file.attribute.FileTime.fromMillis(0));
    Files.setLastModifiedTime(sentinel, java.nio.file.attribute.FileTime.fromMillis(0));
  }

  static IntStream tarCases() {
    return cases(0, TAR_CASES);
  }

  static IntStream hostileCases() {
    return cases(TAR_CASES, HOSTILE_CASES);
  }

  static IntStream blobCases() {
    return cases(TAR_CASES + HOSTILE_CASES, BLOB_CASES);
  }

  static IntStream jsonCases() {
    return cases(TAR_CASES + HOSTILE_CASES + BLOB_CASES, JSON_CASES);
  }

  /** Case numbers are unique over all families; {@code -Dportcullis.fuzz.case=N} runs case N alone. */
  private static IntStream cases(int from, int count) {
    int only = Integer.getInteger("portcullis.fuzz.case", -1);
    return IntStream.range(from, from + count).filter(n -> only < 0 || n == only);
  }

  private static Random random(int caseNo) {
    return new Random(SEED ^ (caseNo + 1) * 0x9E3779B97F4A7C15L);
  }

  /** What a case writes, and whether it may succeed. */
  private record Case(String description, LayoutModel model, Document edited, LayoutModel.Edit edit, boolean relink, boolean mustFail) {
    static Case layers(String description, List<Layer> layers, boolean mustFail) {
      return new Case(description, new LayoutModel(layers), Document.INDEX, LayoutModel.JSON::writeValueAsBytes, true, mustFail);
    }
  }

  // ---- layer tars ----

  @ParameterizedTest(name = "case {0}", allowZeroInvocations = true)
  @MethodSource("tarCases")
  void mutatedTarsAreReadOrRefused(int caseNo) throws IOException {
    Random r = random(caseNo);
    byte[] tar = randomTar(r);
    StringBuilder what = new StringBuilder("tar: ");
    byte[] mutated = mutateTar(r, tar, what);
    Compression c = pick(r, List.of(Compression.NONE, Compression.NONE, Compression.GZIP, Compression.ZSTD));
    boolean described = caseNo % 2 == 0;
    Layer original = Layer.of(tar, c);
    Layer layer = described ? Layer.of(mutated, c) : original.withBlob(OciLayoutBuilder.compress(mutated, c), false);
    what.append("; ").append(c).append(described ? "; digests describe the mutated bytes" : "; original digests");
    List<Layer> layers = new ArrayList<>(List.of(layer));
    if (r.nextBoolean()) {
      layers.add(0, Layer.of(randomTar(r), Compression.GZIP));
    }
    // verification must catch any change to a blob its descriptor does not describe
    boolean mustFail = !described && !Arrays.equals(mutated, tar);
    run(caseNo, Case.layers(what.toString(), layers, mustFail));
  }

  private static byte[] mutateTar(Random r, byte[] tar, StringBuilder what) {
    byte[] b = tar.clone();
    List<Integer> headers = TarSurgery.headers(b);
    int kind = headers.isEmpty() ? r.nextInt(2) : r.nextInt(6);
    switch (kind) {
      case 0 -> {
        int flips = 1 + r.nextInt(16);
        what.append(flips).append(" bit flips");
        for (int i = 0; i < flips; i++) {
          int at = !headers.isEmpty() && r.nextBoolean() ? pick(r, headers) + r.nextInt(TarSurgery.BLOCK) : r.nextInt(b.length);
          b[at] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
      }
      case 1 -> {
        int at = r.nextBoolean() ? r.nextInt(b.length + 1) : r.nextInt(b.length / TarSurgery.BLOCK + 1) * TarSurgery.BLOCK;
        what.append("cut at ").append(at).append(" of ").append(b.length);
        return Arrays.copyOf(b, at);
      }
      case 2, 3 -> {
        int h = pick(r, headers);
        Field field = pick(r, List.of(Field.values()));
        byte[] value = fieldValue(r, field);
        TarSurgery.set(b, h, field, value);
        boolean fixed = field != Field.CHECKSUM && r.nextInt(4) > 0;
        if (fixed) {
          TarSurgery.fixChecksum(b, h);
        }
        what.append("header at ").append(h).append(": ").append(field).append(" := '")
            .append(printable(value)).append("'").append(fixed ? ", checksum fixed" : "");
        return b;
      }
      case 4 -> {
        int h = pick(r, headers);
        byte[] size = pick(r, List.of(ascii("77777777777"), ascii("7777777777 "), TarSurgery.base256(1L << 62, 12),
            TarSurgery.base256(Long.MAX_VALUE, 12), TarSurgery.base256(-1, 12), TarSurgery.base256(64L << 20, 12), ascii("1777777777")));
        TarSurgery.set(b, h, Field.SIZE, size);
        TarSurgery.fixChecksum(b, h);
        what.append("header at ").append(h).append(": huge size '").append(printable(size)).append("', checksum fixed");
        return b;
      }
      default -> {
        int h = pick(r, headers);
        String records = pick(r, List.of(
            TarSurgery.paxRecord("path", "../../sentinel/pwned-pax"),
            TarSurgery.paxRecord("path", sentinel + "/pwned-abs"),
            TarSurgery.paxRecord("linkpath", "../../sentinel/keep"),
            TarSurgery.paxRecord("size", "99999999999999999999"),
            TarSurgery.paxRecord("size", "-5"),
            TarSurgery.paxRecord("size", "1e3"),
            TarSurgery.paxRecord("mtime", "1e400"),
            TarSurgery.paxRecord("mtime", "-99999999999999999999.5"),
            TarSurgery.paxRecord("uid", "-1"),
            TarSurgery.paxRecord("uid", "99999999999999999999"),
            TarSurgery.paxRecord("path", "a\u0000b"),
            TarSurgery.paxRecord("GNU.sparse.map", "1,2,3"),
            TarSurgery.paxRecord("GNU.sparse.size", "99999999999"),
            "5 x=y\n", "abc", "999999999 path=x\n", "0 path=x\n", "12 path=x\n", "-1 a=b\n", "30 path=short\n"));
        what.append("PAX header before entry at ").append(h).append(": ").append(printable(records.getBytes(StandardCharsets.UTF_8)));
        return TarSurgery.insert(b, h, TarSurgery.paxEntry(records));
      }
    }
  }

  private static byte[] fieldValue(Random r, Field field) {
    List<String> common = List.of("", "\u0000garbage", "zzzzzzzz", "-1", " 1 2 3");
    List<String> specific = switch (field) {
      case NAME, PREFIX -> List.of("../../sentinel/pwned", "../../../../../../../tmp/pwned", sentinel + "/pwned", "/",
          "..", ".", "a/../../../x", ".wh..wh..opq", ".wh.", ".wh...", ".wh.etc", "etc/.wh..wh..opq", "x".repeat(100), "a\u0000../../b");
      case LINKNAME -> List.of("../../sentinel/keep", sentinel + "/keep", sentinel.toString(), "/", "", "..", "../../../../..", "x".repeat(100));
      case TYPEFLAG -> List.of("0", "1", "2", "3", "4", "5", "6", "7", "x", "g", "L", "K", "S", "V", "M", "D", "\u0000", "\u00ff", "Z");
      case SIZE -> List.of("77777777777", "00000000001", "00000001000", "00001000000");
      case MODE -> List.of("0000000", "7777777", "0004755", "0170777", "7777777777");
      case MTIME -> List.of("77777777777", "00000000000");
      case MAGIC -> List.of("ustar ", "ustar\u0000", "GNUtar", "\u0000\u0000\u0000\u0000\u0000\u0000");
      default -> List.of("7777777", "0000000");
    };
    if (field == Field.SIZE || field == Field.MTIME || field == Field.UID) {
      if (r.nextInt(4) == 0) {
        return TarSurgery.base256(r.nextBoolean() ? r.nextLong() : -r.nextInt(1000), field.length);
      }
    }
    return ascii(r.nextInt(4) == 0 ? pick(r, common) : pick(r, specific));
  }

  /** A small well-formed layer: directories, files, links, whiteouts, long names. */
  private static byte[] randomTar(Random r) {
    LayerBuilder b = new LayerBuilder();
    List<String> dirs = new ArrayList<>(List.of("etc", "usr/bin"));
    List<String> files = new ArrayList<>();
    b.dir("etc").dir("usr/bin");
    int n = 1 + r.nextInt(10);
    for (int i = 0; i < n; i++) {
      String dir = pick(r, dirs);
      switch (r.nextInt(9)) {
        case 0, 1, 2 -> {
          String name = dir + "/f" + i;
          byte[] content = new byte[r.nextInt(r.nextBoolean() ? 64 : 3000)];
          r.nextBytes(content);
          b.file(name, content, 0644);
          files.add(name);
        }
        case 3 -> {
          String name = dir + "/d" + i;
          b.dir(name);
          dirs.add(name);
        }
        case 4 -> b.symlink(dir + "/s" + i, files.isEmpty() ? "../etc" : r.nextBoolean() ? "/" + pick(r, files) : "../" + pick(r, files));
        case 5 -> {
          if (!files.isEmpty()) {
            b.hardlink(dir + "/h" + i, pick(r, files));
          }
        }
        case 6 -> b.whiteout(dir + "/gone" + i);
        case 7 -> {
          String name = dir + "/" + "long-".repeat(25) + i;
          b.file(name, ascii("long name"), 0600);
          files.add(name);
        }
        default -> b.opaque(dir);
      }
    }
    return b.build();
  }

  // ---- hostile but well-formed tars ----

  @ParameterizedTest(name = "case {0}", allowZeroInvocations = true)
  @MethodSource("hostileCases")
  void hostileTarsNeverWriteOutsideTheTarget(int caseNo) throws IOException {
    Random r = random(caseNo);
    int layerCount = 1 + r.nextInt(3);
    List<Layer> layers = new ArrayList<>();
    StringBuilder what = new StringBuilder("hostile:");
    for (int l = 0; l < layerCount; l++) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      int n = 2 + r.nextInt(10);
      what.append(" layer ").append(l).append(" [");
      for (int i = 0; i < n; i++) {
        what.append(i == 0 ? "" : ", ").append(hostileEntry(r, raw, i));
      }
      what.append(']');
      raw.writeBytes(new byte[2 * TarSurgery.BLOCK]);
      layers.add(Layer.of(raw.toByteArray(), pick(r, List.of(Compression.values()))));
    }
    run(caseNo, Case.layers(what.toString(), layers, false));
  }

  /** Appends one hostile entry (or a few) to {@code tar}; returns what it was. */
  private static String hostileEntry(Random r, ByteArrayOutputStream tar, int i) {
    String up = "../../sentinel";
    String abs = sentinel.toString();
    String escape = pick(r, List.of(up, abs, "/", "../../../../../../..", "/..", up + "/sub", "esc2"));
    String label;
    // names no file system can hold stop the export; kept rare so that most cases get to the end
    int kind = r.nextInt(50) == 0 ? pick(r, List.of(12, 13, 14, 16)) : pick(r, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 17, 18, 19));
    switch (kind) {
      case 0 -> {
        label = "file " + up + "/pwned";
        tar.writeBytes(TarSurgery.entry(up + "/pwned" + i, '0', ascii("x"), 0644, ""));
      }
      case 1 -> {
        label = "file at the sentinel's absolute path";
        tar.writeBytes(TarSurgery.entry(abs + "/keep", '0', ascii("overwritten"), 0644, ""));
      }
      case 2 -> {
        label = "symlink esc -> " + escape;
        tar.writeBytes(TarSurgery.entry("esc", '2', new byte[0], 0777, escape));
      }
      case 3 -> {
        label = "symlink esc2 -> " + up;
        tar.writeBytes(TarSurgery.entry("esc2", '2', new byte[0], 0777, up));
      }
      case 4 -> {
        label = "file through esc";
        tar.writeBytes(TarSurgery.entry("esc/keep", '0', ascii("overwritten"), 0644, ""));
      }
      case 5 -> {
        label = "dir and file through esc";
        tar.writeBytes(TarSurgery.entry("esc/newdir/", '5', new byte[0], 0755, ""));
        tar.writeBytes(TarSurgery.entry("esc/newdir/f", '0', ascii("f"), 0644, ""));
      }
      case 6 -> {
        String target = pick(r, List.of(up + "/keep", abs + "/keep", "esc/keep", "esc", "/", "hl" + i, "etc"));
        label = "hardlink hl -> " + target;
        tar.writeBytes(TarSurgery.entry("hl" + i, '1', new byte[0], 0644, target));
      }
      case 7 -> {
        label = "whiteout through esc";
        tar.writeBytes(TarSurgery.entry(pick(r, List.of("esc/.wh.keep", "esc/.wh.sub", ".wh.esc", ".wh..", ".wh...", "esc/.wh..wh..opq", ".wh..wh..opq")),
            '0', new byte[0], 0644, ""));
      }
      case 8 -> {
        label = "symlink loop";
        tar.writeBytes(TarSurgery.entry("loop", '2', new byte[0], 0777, pick(r, List.of("loop", "loop/x", "./loop", "/loop"))));
        tar.writeBytes(TarSurgery.entry("loop/x", '0', ascii("x"), 0644, ""));
      }
      case 9 -> {
        label = "directory then file at the same path, and back";
        tar.writeBytes(TarSurgery.entry("etc/", '5', new byte[0], 0755, ""));
        tar.writeBytes(TarSurgery.entry("etc/passwd", '0', ascii("root:x:0:0"), 0644, ""));
        tar.writeBytes(TarSurgery.entry("etc", '0', ascii("now a file"), 0644, ""));
        tar.writeBytes(TarSurgery.entry("etc/", '5', new byte[0], 0755, ""));
      }
      case 10 -> {
        label = "directory replaced by a symlink out, then written into";
        tar.writeBytes(TarSurgery.entry("data/", '5', new byte[0], 0755, ""));
        tar.writeBytes(TarSurgery.entry("data", '2', new byte[0], 0777, escape));
        tar.writeBytes(TarSurgery.entry("data/keep", '0', ascii("overwritten"), 0644, ""));
      }
      case 11 -> {
        label = "symlink with an empty target";
        tar.writeBytes(TarSurgery.entry("empty-link", '2', new byte[0], 0777, ""));
      }
      case 12 -> {
        label = "file name component of 300 bytes";
        tar.writeBytes(TarSurgery.paxEntry(TarSurgery.paxRecord("path", "long/" + "n".repeat(300))));
        tar.writeBytes(TarSurgery.entry("placeholder", '0', ascii("x"), 0644, ""));
      }
      case 13 -> {
        label = "NUL inside a PAX path";
        tar.writeBytes(TarSurgery.paxEntry(TarSurgery.paxRecord("path", "nul\u0000name/x")));
        tar.writeBytes(TarSurgery.entry("placeholder", '0', ascii("x"), 0644, ""));
      }
      case 14 -> {
        label = "NUL inside a PAX linkpath";
        tar.writeBytes(TarSurgery.paxEntry(TarSurgery.paxRecord("linkpath", "a\u0000b")));
        tar.writeBytes(TarSurgery.entry("nul-link", '2', new byte[0], 0777, "placeholder"));
      }
      case 15 -> {
        label = "device nodes and a fifo";
        tar.writeBytes(TarSurgery.entry("dev/null", '3', new byte[0], 0666, ""));
        tar.writeBytes(TarSurgery.entry("dev/sda", '4', new byte[0], 0660, ""));
        tar.writeBytes(TarSurgery.entry("run/fifo", '6', new byte[0], 0600, ""));
      }
      case 16 -> {
        label = "path 5000 bytes long";
        tar.writeBytes(TarSurgery.paxEntry(TarSurgery.paxRecord("path", "dddddddddd/".repeat(460) + "f")));
        tar.writeBytes(TarSurgery.entry("placeholder", '0', ascii("x"), 0644, ""));
      }
      case 17 -> {
        label = "unreadable directory holding a setuid file";
        tar.writeBytes(TarSurgery.entry("locked/", '5', new byte[0], 0000, ""));
        tar.writeBytes(TarSurgery.entry("locked/suid", '0', ascii("#!/bin/sh"), 04755, ""));
      }
      case 18 -> {
        label = "symlink chain out of the root";
        tar.writeBytes(TarSurgery.entry("c1", '2', new byte[0], 0777, "c2/sub"));
        tar.writeBytes(TarSurgery.entry("c2", '2', new byte[0], 0777, "/c3/../.."));
        tar.writeBytes(TarSurgery.entry("c3", '2', new byte[0], 0777, up));
        tar.writeBytes(TarSurgery.entry("c1/inner", '0', ascii("overwritten"), 0644, ""));
      }
      default -> {
        label = "names that are the root";
        tar.writeBytes(TarSurgery.entry(pick(r, List.of("./", ".", "/", "..", "../", "a/..")), pick(r, List.of('0', '5', '2')), new byte[0], 0700, "x"));
      }
    }
    return label;
  }

  // ---- compressed blobs ----

  @ParameterizedTest(name = "case {0}", allowZeroInvocations = true)
  @MethodSource("blobCases")
  void mutatedCompressedBlobsAreReadOrRefused(int caseNo) throws IOException {
    Random r = random(caseNo);
    boolean described = caseNo % 2 == 0;
    Compression c = r.nextBoolean() ? Compression.GZIP : Compression.ZSTD;
    StringBuilder what = new StringBuilder("blob: ").append(c).append(' ');
    boolean bomb = r.nextInt(6) == 0;
    byte[] plainTar = bomb ? new byte[0] : randomTar(r);
    Layer original = bomb ? Bombs.layer(c) : Layer.of(plainTar, c);
    byte[] blob = original.blob().clone();
    if (bomb) {
      what.append("decompression bomb, ");
    }
    switch (bomb ? r.nextInt(4) + 3 : r.nextInt(7)) {
      case 0 -> {
        int at = r.nextInt(3) == 0 ? r.nextInt(Math.min(20, blob.length)) : r.nextInt(blob.length);
        what.append("cut at ").append(at).append(" of ").append(blob.length);
        blob = Arrays.copyOf(blob, at);
      }
      case 1 -> {
        int flips = 1 + r.nextInt(8);
        what.append(flips).append(" bytes replaced");
        for (int i = 0; i < flips; i++) {
          int at = switch (r.nextInt(3)) {
            case 0 -> r.nextInt(Math.min(20, blob.length));
            case 1 -> blob.length - 1 - r.nextInt(Math.min(8, blob.length));
            default -> r.nextInt(blob.length);
          };
          blob[at] = (byte) r.nextInt(256);
        }
      }
      case 2 -> {
        what.append("last 4 bytes cut");
        blob = Arrays.copyOf(blob, Math.max(0, blob.length - 4));
      }
      case 3, 4 -> {
        byte[] garbage = pick(r, List.of(randomBytes(r, 1 + r.nextInt(1000)), new byte[4096], blob.clone(),
            OciLayoutBuilder.compress(randomTar(r), c), ascii("garbage")));
        what.append(garbage.length).append(" bytes of garbage after the stream");
        blob = concat(blob, garbage);
      }
      case 5 -> {
        // the same tar, other bytes: only the blob digest can tell
        what.append(c == Compression.GZIP ? "empty gzip member appended" : "zstd skippable frame appended");
        blob = concat(blob, c == Compression.GZIP ? OciLayoutBuilder.compress(new byte[0], c)
            : new byte[] {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'p', 'a', 'd', '!'});
      }
      case 6 -> {
        what.append("recompressed at another level");
        blob = c == Compression.GZIP ? gzip(plainTar, 1 + r.nextInt(9)) : com.github.luben.zstd.Zstd.compress(plainTar, 1 + r.nextInt(19));
      }
      default -> what.append("as made");
    }
    Layer layer = original.withBlob(blob, described);
    what.append(described ? "; digests describe the mutated bytes" : "; original digests");
    boolean mustFail = bomb || !described && !Arrays.equals(blob, original.blob());
    run(caseNo, Case.layers(what.toString(), List.of(layer), mustFail));
  }

  private static byte[] gzip(byte[] data, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Layers of 48 MiB of zeros, made once: many megabytes from a few kilobytes. */
  private static final class Bombs {
    private static final Map<Compression, Layer> LAYERS = new HashMap<>();

    static synchronized Layer layer(Compression c) {
      return LAYERS.computeIfAbsent(c, k -> Layer.of(new LayerBuilder().file("zeros", new byte[48 << 20], 0644).build(), k));
    }
  }

  // ---- JSON documents ----

  @ParameterizedTest(name = "case {0}", allowZeroInvocations = true)
  @MethodSource("jsonCases")
  void mutatedDocumentsAreReadOrRefused(int caseNo) throws IOException {
    Random r = random(caseNo);
    List<Layer> layers = new ArrayList<>();
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      layers.add(Layer.of(randomTar(r), pick(r, List.of(Compression.GZIP, Compression.ZSTD, Compression.NONE))));
    }
    Document doc = pick(r, List.of(Document.values()));
    boolean relink = r.nextInt(5) > 0;
    JsonMutator mutator = new JsonMutator(r, layers.stream().map(Layer::digest).toList());
    LayoutModel model = new LayoutModel(layers);
    Case c = new Case("json: " + doc + (relink ? ", relinked" : ", stored under its old digest"), model, doc, mutator, relink, false);
    run(caseNo, c, () -> ": " + mutator.description());
  }

  // ---- the harness ----

  private void run(int caseNo, Case c) throws IOException {
    run(caseNo, c, () -> "");
  }

  /** Writes the case's layout, reads, squashes and exports it, and checks the outcome and the disk. */
  private void run(int caseNo, Case c, java.util.function.Supplier<String> detail) throws IOException {
    Path sandbox = root.resolve("case-" + caseNo);
    Path layout = sandbox.resolve("layout");
    Path target = sandbox.resolve("target");
    c.model().write(layout, c.edited(), c.edit(), c.relink());
    String context = "seed " + SEED + ", case " + caseNo + " (" + c.description() + detail.get() + ")";
    Map<String, String> layoutBefore = snapshot(layout);
    List<Outcome> outcomes = assertTimeoutPreemptively(HANG, () -> attempt(layout, target), () -> context + ": no outcome within " + HANG + ", a hang");
    for (Outcome outcome : outcomes) {
      switch (outcome) {
        case Outcome.Broke b -> fail(context + ": " + b.stage() + " threw " + b.error() + "\n" + stackTrace(b.error()), b.error());
        case Outcome.Refused ref -> {
          String m = ref.error().getMessage();
          if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) {
            fail(context + ": " + ref.stage() + " failed with a message that is not one line: " + m, ref.error());
          }
          if (m.length() > MAX_MESSAGE) {
            fail(context + ": " + ref.stage() + " failed with a message of " + m.length() + " characters: " + m.substring(0, 300) + "...", ref.error());
          }
          if (!m.contains(layout.toString())) {
            fail(context + ": " + ref.stage() + " failed with a message that does not name the image: " + m, ref.error());
          }
          if (ref.stage().equals("export") && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            fail(context + ": a failed export left " + target + " behind: " + m);
          }
        }
        case Outcome.Done d -> {
          if (c.mustFail() && !d.stage().equals("open")) {
            fail(context + ": " + d.stage() + " succeeded although the image must be refused");
          }
          if (d.stage().equals("export")) {
            checkTreeStaysInside(target, context);
          }
        }
      }
    }
    List<String> inSandbox = list(sandbox);
    if (!Set.of("layout", "target").containsAll(inSandbox)) {
      fail(context + ": the sandbox holds more than the layout and the target: " + inSandbox);
    }
    if (!snapshot(layout).equals(layoutBefore)) {
      fail(context + ": the layout was changed");
    }
    Map<String, String> sentinelAfter = snapshot(sentinel);
    if (!sentinelAfter.equals(sentinelBefore)) {
      restoreSentinel(); // so that the next cases are judged on their own
      fail(context + ": the sentinel beside the sandbox was changed: " + sentinelAfter);
    }
    List<String> beside = list(root).stream().filter(n -> !n.equals("sentinel") && !n.equals("spool") && !n.startsWith("case-")).toList();
    if (!beside.isEmpty()) {
      fail(context + ": written beside the sandbox: " + beside);
    }
    if (!list(spool).isEmpty()) {
      fail(context + ": temporary files left: " + list(spool));
    }
    deleteTree(sandbox);
  }

  /** How one stage of a case ended. */
  private sealed interface Outcome {
    String stage();

    record Done(String stage) implements Outcome {}

    record Refused(String stage, ImageReadException error) implements Outcome {}

    record Broke(String stage, Throwable error) implements Outcome {}
  }

  @FunctionalInterface
  private interface Stage {
    void run(Image image) throws IOException;
  }

  /** Opens the image, then squashes and exports it independently, so that each stage meets every input. */
  private static List<Outcome> attempt(Path layout, Path target) {
    ReadOptions options = ReadOptions.defaults().withLimits(LIMITS).withPlatform(new Platform("linux", "amd64", null));
    options = new ReadOptions(options.platform(), options.limits(), options.registry(), spool, options.listener());
    Image image;
    try {
      image = Images.open(new ImageSource.OciLayout(layout, null), options);
    } catch (ImageReadException e) {
      return List.of(new Outcome.Refused("open", e));
    } catch (Throwable t) {
      return List.of(new Outcome.Broke("open", t));
    }
    try (image) {
      return List.of(new Outcome.Done("open"),
          stage("squash", image, i -> FileTree.read(i, new LayerScanner(null, LIMITS.maxEntries()))),
          stage("export", image, i -> Exporter.export(i, target, ProgressListener.NONE, LIMITS.maxEntries())));
    } catch (IOException e) {
      return List.of(new Outcome.Broke("close", e));
    }
  }

  private static Outcome stage(String name, Image image, Stage stage) {
    try {
      stage.run(image);
      return new Outcome.Done(name);
    } catch (ImageReadException e) {
      return new Outcome.Refused(name, e);
    } catch (Throwable t) {
      return new Outcome.Broke(name, t);
    }
  }

  /** Every path under {@code target} lies inside it, and no file shares its inode with one outside. */
  private static void checkTreeStaysInside(Path target, String context) {
    Path real;
    try {
      real = target.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(context, e);
    }
    Map<Object, Integer> linksInside = new HashMap<>();
    Map<Object, Integer> linkCount = new HashMap<>();
    walk(target, (p, attrs) -> {
      if (!p.toAbsolutePath().normalize().startsWith(target.toAbsolutePath().normalize())) {
        fail(context + ": exported " + p + " lies outside " + target);
      }
      if (!attrs.isSymbolicLink() && !p.toRealPath().startsWith(real)) {
        fail(context + ": exported " + p + " is reached through a symlink out of " + target);
      }
      if (attrs.isRegularFile()) {
        Object inode = attrs.fileKey();
        linksInside.merge(inode, 1, Integer::sum);
        linkCount.put(inode, (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
      }
    });
    linkCount.forEach((inode, count) -> {
      if (count > linksInside.get(inode)) {
        fail(context + ": an exported file has " + count + " hard links but only " + linksInside.get(inode) + " inside the target");
      }
    });
  }

  @FunctionalInterface
  private interface Visit {
    void accept(Path p, BasicFileAttributes attrs) throws IOException;
  }

  /** Visits everything below {@code dir} without following symlinks. */
  private static void walk(Path dir, Visit visit) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          visit.accept(d, attrs);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          visit.accept(f, attrs);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Type, size, mode, link count, time and content hash of every path below {@code dir}. */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> out = new TreeMap<>();
    walk(dir, (p, attrs) -> {
      String what = attrs.isSymbolicLink() ? "link " + Files.readSymbolicLink(p)
          : attrs.isDirectory() ? "dir" : "file " + attrs.size() + " " + OciLayoutBuilder.sha256(Files.readAllBytes(p));
      Map<String, Object> unix = Files.readAttributes(p, "unix:mode,nlink,uid", LinkOption.NOFOLLOW_LINKS);
      out.put(dir.relativize(p).toString(), what + " " + new TreeMap<>(unix) + " " + attrs.lastModifiedTime());
    });
    return out;
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          Files.delete(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
      if (sb.length() > 80) {
        return sb.append("...").toString();
      }
    }
    return sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
