package dev.portcullis.rules.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.core.Finding.CheckFinding;
import dev.portcullis.core.FindingLocation;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import dev.portcullis.oci.tree.FileTree;
import dev.portcullis.oci.tree.LayerCache;
import dev.portcullis.oci.tree.LayerScanner;
import dev.portcullis.rules.Engine;
import dev.portcullis.rules.Report;
import dev.portcullis.rules.checks.Checks;
import dev.portcullis.rules.debug.DebugChecks;
import dev.portcullis.rules.image.ImageSubject;
import dev.portcullis.rules.secrets.SecretChecks;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets and debug leftovers in an image: files of every layer, deleted ones included, and the config values. */
class ContentsImageTest {
  @TempDir
  Path tmp;

  static String key() {
    byte[] body = new byte[480];
    new Random(1).nextBytes(body);
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
    return "-----BEGIN " + "RSA PRIVATE KEY-----\n" + b64 + "\n-----END " + "RSA PRIVATE KEY-----\n";
  }

  Path layout(OciLayoutBuilder b) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "layout");
    b.write(dir);
    return dir;
  }

  /** The content checks as the commands run them: the texts taken in the one pass that indexes each layer. */
  Report scan(OciLayoutBuilder b) throws IOException {
    try (Image image = Images.open(new ImageSource.OciLayout(layout(b), null), ReadOptions.defaults())) {
      Contents.ImageRead read = Contents.read(image, new LayerScanner(null, 100_000), Checks.contentInterest(), ReadLimits.DEFAULT);
      Contents c = Contents.ofImage(ImageSubject.of(image, read.tree()), read);
      List<dev.portcullis.rules.Check<?>> checks = new ArrayList<>(SecretChecks.all());
      checks.addAll(DebugChecks.all());
      return new Engine(checks).evaluate(c);
    }
  }

  /** Texts and problems from the texts the first pass took (through {@code scanner}), and from every file read again from its layer. */
  static void assertSameContents(Image image, LayerScanner scanner, Interest interest, ReadLimits limits) throws IOException {
    Contents.ImageRead read = Contents.read(image, scanner, interest, limits);
    Contents taken = Contents.ofImage(ImageSubject.of(image, read.tree()), read);
    FileTree tree = FileTree.read(image, new LayerScanner(null, 100_000));
    Contents again = Contents.ofImage(ImageSubject.of(image, tree), interest, limits);
    assertThat(taken.texts()).isNotEmpty().containsExactlyElementsOf(again.texts());
    assertThat(taken.problems()).containsExactlyElementsOf(again.problems());
  }

  /**
   * Layer 0: a text with a keyword and a hard link to it, a text without one, a binary that holds
   * the keyword after a NUL, and a link /app to /srv. Layer 1: a file written as /app/settings.txt,
   * which the tree holds at /srv/settings.txt, then a keyword file that is deleted in layer 2.
   */
  static OciLayoutBuilder everyKindOfFile() {
    return new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("srv").file("srv/a.env", "TOKEN=abc\n").hardlink("srv/b.env", "srv/a.env").file("srv/plain.txt", "nothing\n")
            .file("srv/tool", new byte[] {0x7f, 'E', 'L', 'F', 0, 't', 'o', 'k', 'e', 'n'}, 0755).symlink("app", "srv").build(),
            OciLayoutBuilder.Compression.GZIP, "COPY . /")
        .layer(new LayerBuilder().file("app/settings.txt", "port=8080\n").file("srv/old.env", "TOKEN=old\n").build(),
            OciLayoutBuilder.Compression.GZIP, "COPY settings.txt /app/")
        .layer(new LayerBuilder().whiteout("srv/old.env").build(), OciLayoutBuilder.Compression.GZIP, "RUN rm /srv/old.env");
  }

  @Test
  void theTextsTakenInTheFirstPassAreThoseReadAgainFromTheLayers() throws IOException {
    // a path rule on the tree's paths: /srv/settings.txt is wanted, though its tar path is /app/settings.txt
    Interest interest = new Interest(KeywordIndex.of(List.of("token")), path -> path.startsWith("/srv/settings"));
    try (Image image = Images.open(new ImageSource.OciLayout(layout(everyKindOfFile()), null), ReadOptions.defaults())) {
      Contents.ImageRead read = Contents.read(image, new LayerScanner(null, 100_000), interest, ReadLimits.DEFAULT);
      Contents c = Contents.ofImage(ImageSubject.of(image, read.tree()), read);
      // a hard link is no regular file of its own: its text is searched at the file it links to
      assertThat(c.texts()).filteredOn(t -> t.kind() == Text.Kind.FILE).extracting(Text::path)
          .containsExactly("/srv/a.env", "/srv/old.env", "/srv/settings.txt");
      assertThat(c.problems()).extracting(dev.portcullis.rules.Problem::message)
          .containsExactly("skipped 1 binary file (a NUL byte in the first 8 KiB): /srv/tool (layer 0)");
      assertSameContents(image, new LayerScanner(null, 100_000), interest, ReadLimits.DEFAULT);
      // a memory bound reached half way: what the first pass could not keep is read again, and the bound stops at the same file
      assertSameContents(image, new LayerScanner(null, 100_000), interest, new ReadLimits(2L << 20, 15));
      // from the layer cache: the second read takes every layer's texts from it
      LayerCache cache = new LayerCache(tmp.resolve("cache"));
      assertSameContents(image, new LayerScanner(cache, 100_000), interest, ReadLimits.DEFAULT);
      assertSameContents(image, new LayerScanner(cache, 100_000), interest, ReadLimits.DEFAULT);
    }
  }


  @Test
  void theNoteOnSkippedBinariesNamesTheFirstTwentyAndCountsTheRest() throws IOException {
    LayerBuilder layer = new LayerBuilder().dir("bin");
    for (int i = 0; i < 25; i++) {
      layer.file(String.format("bin/tool%02d", i), new byte[] {0x7f, 'E', 'L', 'F', 0}, 0755);
    }
    Report r = scan(new OciLayoutBuilder().layer(layer.build(), OciLayoutBuilder.Compression.GZIP, "/bin/sh -c #(nop) COPY bin /bin"));
    StringBuilder named = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      named.append(i == 0 ? "" : ", ").append(String.format("/bin/tool%02d (layer 0)", i));
    }
    assertThat(r.problems()).extracting(dev.portcullis.rules.Problem::message)
        .containsExactly("skipped 25 binary files (a NUL byte in the first 8 KiB): " + named + " and 5 more");
  }

  @Test
  void aKeyAddedInOneLayerAndDeletedInTheNextIsReportedWithTheLayerThatAddedIt() throws IOException {
    String key = key();
    Report r = scan(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("root").dir("root/.ssh").file("root/.ssh/id_rsa", key.getBytes(StandardCharsets.UTF_8), 0600)
            .file("bin/tool", new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 'p', 'a', 's', 's', 'w', 'o', 'r', 'd'}, 0755)
            .file("var/log/huge.log", "password=".repeat(400_000).getBytes(StandardCharsets.UTF_8), 0644).build(),
            OciLayoutBuilder.Compression.GZIP, "/bin/sh -c #(nop) COPY id_rsa /root/.ssh/")
        .layer(new LayerBuilder().whiteout("root/.ssh/id_rsa").build(), OciLayoutBuilder.Compression.GZIP, "/bin/sh -c rm /root/.ssh/id_rsa"));
    assertThat(r.problems()).extracting(dev.portcullis.rules.Problem::message).containsExactly(
        "skipped /var/log/huge.log (layer 0): 3600000 bytes, over the 2 MiB limit for content checks",
        "skipped 1 binary file (a NUL byte in the first 8 KiB): /bin/tool (layer 0)");
    assertThat(r.findings()).extracting(CheckFinding::id).containsExactly("PCS-SECRET-017");
    CheckFinding f = r.findings().get(0);
    assertThat(f.location()).isInstanceOf(FindingLocation.InLayer.class);
    assertThat(f.location().display()).isEqualTo("/root/.ssh/id_rsa (layer 0)");
    assertThat(f.message()).contains("deleted by layer 1").doesNotContain(key.lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void configValuesAndFilesAreSearchedForDebugLeftoversAndSecrets() throws IOException {
    String token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    Report r = scan(new OciLayoutBuilder()
        .config("\"User\":\"1000\",\"Env\":[\"JAVA_TOOL_OPTIONS=-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005\",\"GH_TOKEN=" + token + "\"],"
            + "\"ExposedPorts\":{\"5005/tcp\":{}},\"Cmd\":[\"java\",\"-jar\",\"/app/app.jar\"]")
        .layer(new LayerBuilder().dir("app").file("app/application.yml", "management:\n  endpoints:\n    web:\n      exposure:\n        include: '*'\n").build(),
            OciLayoutBuilder.Compression.GZIP, "/bin/sh -c #(nop) COPY app /app"));
    assertThat(r.findings()).extracting(f -> f.id() + " " + f.location().display()).containsExactly(
        "PCS-DEBUG-001 config.Env[0]", "PCS-SECRET-003 config.Env[1]", "PCS-DEBUG-011 config.ExposedPorts[\"5005/tcp\"]",
        "PCS-DEBUG-005 /app/application.yml (layer 0)");
    assertThat(r.findings()).allSatisfy(f -> assertThat(f.message()).doesNotContain(token));
  }

  @Test
  void debuggersGitDirectoriesAndSourceMapsAreFoundInTheLayersEvenWhenDeleted() throws IOException {
    Report r = scan(new OciLayoutBuilder()
        .layer(new LayerBuilder().dir("usr").dir("usr/bin").file("usr/bin/strace", new byte[] {0x7f, 'E', 'L', 'F', 0}, 0755)
            .dir("srv").dir("srv/.git").file("srv/.git/HEAD", "ref: refs/heads/main\n")
            .file("srv/app.js", "x()\n").file("srv/app.js.map", "{\"version\":3}\n").build(),
            OciLayoutBuilder.Compression.GZIP, "/bin/sh -c #(nop) COPY . /srv")
        .layer(new LayerBuilder().whiteout("srv/.git").build(), OciLayoutBuilder.Compression.GZIP, "/bin/sh -c rm -rf /srv/.git"));
    assertThat(r.findings()).filteredOn(f -> f.id().compareTo("PCS-DEBUG-012") >= 0 && f.id().startsWith("PCS-DEBUG"))
        .extracting(f -> f.id() + " " + f.location().display() + " " + f.message())
        .containsExactly(
            "PCS-DEBUG-013 /srv/.git (layer 0) git repository /srv/.git (deleted by layer 1, still in the image)",
            "PCS-DEBUG-014 /srv/app.js.map (layer 0) source map /srv/app.js.map",
            "PCS-DEBUG-012 /usr/bin/strace (layer 0) strace is installed at /usr/bin/strace");
  }
}
