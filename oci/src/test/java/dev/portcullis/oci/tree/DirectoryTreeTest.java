package dev.portcullis.oci.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.Image;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ImageSource;
import dev.portcullis.oci.Limits;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.images.Images;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A directory ({@code dir:PATH}) read as a one-layer image: the same tree, nothing read outside it, nothing that blocks. */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a FIFO opened for reading would block the walk for ever
class DirectoryTreeTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void project() throws Exception {
    root = tmp.resolve("project");
    Files.createDirectories(root.resolve("app/lib"));
    Files.writeString(root.resolve("app/lib/a.txt"), "hello");
    Files.createLink(root.resolve("app/lib/b.txt"), root.resolve("app/lib/a.txt"));
    Files.createSymbolicLink(root.resolve("host"), Path.of("/etc")); // absolute: restarts at the directory's root, never the host's
    Files.createSymbolicLink(root.resolve("app/up"), Path.of("../../../../../../../etc/passwd"));
    Files.createSymbolicLink(root.resolve("app/current"), Path.of("/app/lib"));
    run("mkfifo", root.resolve("app/pipe").toString());
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(root.resolve("app/socket")));
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }

  private FileTree tree(Image image, long maxEntries) throws IOException {
    return FileTree.read(image, new LayerScanner(null, maxEntries));
  }

  private Image open(Limits limits) throws IOException {
    return Images.open(ImageSource.parse("dir:" + root), ReadOptions.defaults().withLimits(limits));
  }

  private static String read(FileTree t, FileEntry e) throws IOException {
    try (InputStream in = t.open(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theDirectoryIsOneLayerWithTheSameTreeAnImageWouldHave() throws IOException {
    try (Image image = open(Limits.DEFAULT)) {
      assertThat(image.name()).isEqualTo("dir:" + root);
      assertThat(DirectoryImage.isDirectory(image)).isTrue();
      assertThat(image.layers()).hasSize(1);
      assertThatThrownBy(image::digest).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("it has no digest");
      FileTree t = tree(image, Limits.DEFAULT.maxEntries());
      FileEntry a = t.file("/app/lib/a.txt").orElseThrow();
      assertThat(a.type()).isEqualTo(FileType.REGULAR);
      assertThat(a.size()).isEqualTo(5);
      assertThat(read(t, a)).isEqualTo("hello");
      FileEntry b = t.file("/app/lib/b.txt").orElseThrow();
      assertThat(b.type()).isEqualTo(FileType.HARDLINK);
      assertThat(b.linkTarget()).isEqualTo("/app/lib/a.txt");
      assertThat(read(t, b)).isEqualTo("hello");
      // a symlink inside resolving inside is followed in the tree, as in an image
      assertThat(t.resolve("/app/current/a.txt")).map(FileEntry::path).contains("/app/lib/a.txt");
      List<String> read = new ArrayList<>();
      t.contents(List.of(a, b), (e, in) -> read.add(e.path() + "=" + new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      assertThat(read).containsExactlyInAnyOrder("/app/lib/a.txt=hello", "/app/lib/b.txt=hello");
    }
  }

  @Test
  void linksOutOfTheDirectoryStayInsideItAndSpecialFilesAreNeverOpened() throws IOException {
    try (Image image = open(Limits.DEFAULT)) {
      FileTree t = tree(image, Limits.DEFAULT.maxEntries());
      assertThat(t.file("/host").orElseThrow().type()).isEqualTo(FileType.SYMLINK);
      // the host's /etc/passwd exists; the directory has no /etc: the links resolve to nothing
      assertThat(t.resolve("/host/passwd")).isEmpty();
      assertThat(t.resolve("/app/up")).isEmpty();
      assertThat(t.linkStatus(t.file("/app/up").orElseThrow())).isEqualTo(new FileTree.LinkStatus.Dangling("/etc/passwd"));
      assertThat(t.entries()).extracting(FileEntry::path).noneMatch(p -> p.startsWith("/etc/"));
      assertThat(t.file("/app/pipe").orElseThrow().type()).isEqualTo(FileType.FIFO);
      assertThat(t.file("/app/socket")).isEmpty();
      assertThat(t.warnings()).containsExactly("dir:" + root + ": '/app/socket' is a socket; skipped, as tar does");
    }
  }

  @Test
  void aFileIsNotReadThroughAParentSwappedForALinkOutAfterTheWalk() throws IOException {
    try (Image image = open(Limits.DEFAULT)) {
      FileTree t = tree(image, Limits.DEFAULT.maxEntries());
      FileEntry a = t.file("/app/lib/a.txt").orElseThrow();
      Path outside = Files.createDirectories(tmp.resolve("outside"));
      Files.writeString(outside.resolve("a.txt"), "not yours");
      Files.move(root.resolve("app/lib"), tmp.resolve("moved"));
      Files.createSymbolicLink(root.resolve("app/lib"), outside);
      assertThatThrownBy(() -> t.open(a)).isInstanceOf(ImageReadException.class)
          .hasMessage("read /app/lib/a.txt of dir:" + root + ": no longer inside the directory");
    }
  }

  @Test
  void whatCannotBeReadIsAWarningAndTheRestIsRead() throws Exception {
    // deeper than PATH_MAX: lstat fails (ENAMETOOLONG) even for root, as an unreadable file would
    String name = "d".repeat(200);
    run("bash", "-c", "cd '" + root + "' && for i in $(seq 24); do mkdir " + name + " && cd " + name + "; done && echo x > leaf");
    try (Image image = open(Limits.DEFAULT)) {
      FileTree t = tree(image, Limits.DEFAULT.maxEntries());
      assertThat(t.file("/app/lib/a.txt")).isPresent();
      assertThat(t.warnings()).anyMatch(w -> w.startsWith("dir:" + root + ": '/" + name + "/") && w.endsWith("(File name too long); left out"));
    } finally {
      run("rm", "-rf", root.resolve(name).toString()); // too deep for the temporary directory's own clean-up
    }
  }

  @Test
  void theImageLimitsHold() throws IOException {
    try (Image image = open(Limits.DEFAULT.withMaxImageBytes(3))) {
      assertThatThrownBy(() -> tree(image, Limits.DEFAULT.maxEntries())).isInstanceOf(ImageReadException.class)
          .hasMessage("read dir:" + root + ": its files hold more than the limit of 3 bytes (--max-image-size)");
    }
    try (Image image = open(Limits.DEFAULT)) {
      assertThatThrownBy(() -> tree(image, 4)).isInstanceOf(ImageReadException.class)
          .hasMessage("read dir:" + root + ": more than 4 entries in the image");
    }
  }

  @Test
  void aSourceThatIsNoDirectoryIsOneLine() throws IOException {
    assertThatThrownBy(() -> Images.open(ImageSource.parse("dir:" + tmp.resolve("missing")), ReadOptions.defaults()))
        .isInstanceOf(ImageReadException.class).hasMessage("read dir:" + tmp.resolve("missing") + ": no such directory");
    Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> Images.open(ImageSource.parse("dir:" + tmp.resolve("file")), ReadOptions.defaults()))
        .isInstanceOf(ImageReadException.class).hasMessage("read dir:" + tmp.resolve("file") + ": not a directory");
    assertThatThrownBy(() -> ImageSource.parse("dir:")).isInstanceOf(IllegalArgumentException.class).hasMessage("missing path in image source 'dir:'");
  }
}
