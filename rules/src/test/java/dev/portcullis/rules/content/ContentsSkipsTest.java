package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Problem;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.secrets.SecretChecks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files the content checks pass over are reported with their path and the reason, never read whole. */
class ContentsSkipsTest {
  @TempDir Path tmp;

  private static final Interest EVERYTHING = new Interest(KeywordIndex.of(List.of("x")), p -> true);

  @Test
  void aOneGigabyteSingleLineFileIsReportedAsSkippedWithoutBeingRead() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("big"));
    Path huge = dir.resolve("one-line.txt");
    // sparse: a first byte that is no NUL, then 1 GiB of nothing on disk and no line break anywhere
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.write('a');
      f.setLength(1L << 30);
    }
    Files.writeString(dir.resolve("small.env"), "API_HOST=example.test\n");

    Contents c = Contents.ofPaths("big", List.of(dir), EVERYTHING, ReadLimits.DEFAULT);
    Report r = new Engine(SecretChecks.all()).evaluate(c);

    assertThat(r.problems()).extracting(Problem::display)
        .containsExactly(huge + ": skipped: 1073741824 bytes, over the 2 MiB limit for content checks");
    assertThat(c.texts()).extracting(Text::fileName).containsExactly("small.env");
  }

  @Test
  void linksAreNotFollowedOutOfTheTree() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("host"));
    Files.writeString(outside.resolve("credentials"), "[default]\naws_secret_access_key = " + "wJalrXUtnFEMIK7MDENGbPxRfiCYzq4Tm8vH2sLd" + "\n");
    Path root = Files.createDirectories(tmp.resolve("rootfs/etc"));
    Files.createSymbolicLink(root.resolve("credentials"), outside.resolve("credentials"));
    Files.createSymbolicLink(root.resolve("host"), outside);
    Files.writeString(root.resolve("hostname"), "web-1\n");

    Contents c = Contents.ofPaths("rootfs", List.of(tmp.resolve("rootfs")), EVERYTHING, ReadLimits.DEFAULT);

    assertThat(c.texts()).extracting(Text::fileName).containsExactly("hostname");
    assertThat(new Engine(SecretChecks.all()).evaluate(c).findings()).isEmpty();
    assertThat(new Engine(SecretChecks.all()).evaluate(Contents.ofPaths("host", List.of(outside), EVERYTHING, ReadLimits.DEFAULT)).findings())
        .as("the file itself holds a secret").isNotEmpty();
  }

  @Test
  void aBinaryFileIsReportedAsSkipped() throws IOException {
    Path junk = tmp.resolve("junk.bin");
    Files.write(junk, new byte[] {(byte) 0x7f, 'E', 'L', 'F', 0, 0, 1, 2});
    Files.writeString(tmp.resolve("notes.txt"), "nothing to see\n", StandardCharsets.UTF_8);

    Contents c = Contents.ofPaths("t", List.of(tmp), EVERYTHING, ReadLimits.DEFAULT);

    assertThat(c.problems()).extracting(Problem::display).containsExactly(junk + ": skipped: binary (a NUL byte in the first 8 KiB)");
    assertThat(c.texts()).extracting(Text::fileName).containsExactly("notes.txt");
  }
}
