package dev.portcullis.host.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An offline root keeps every path inside itself and turns every unusable file into a one-line problem. */
class RootTest {
  @TempDir Path tmp;
  Path dir;
  Root root;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectories(tmp.resolve("host"));
    Files.createDirectories(dir.resolve("etc/docker"));
    Files.writeString(dir.resolve("etc/docker/daemon.json"), "{\"icc\": false}\n");
    root = Root.offline(dir);
  }

  @Test
  void anAbsoluteSymlinkIsReRootedInsideTheRoot() throws IOException {
    Files.createDirectories(dir.resolve("run"));
    Files.writeString(dir.resolve("run/docker.sock"), "");
    Files.createDirectories(dir.resolve("var"));
    Files.createSymbolicLink(dir.resolve("var/run"), Path.of("/run"));
    assertThat(root.resolve("/var/run/docker.sock")).contains(dir.toRealPath().resolve("run/docker.sock"));
  }

  @Test
  void dotDotStopsAtTheTopOfTheRoot() throws IOException {
    assertThat(root.readText("/../../../../etc/docker/daemon.json")).contains("{\"icc\": false}\n");
    Files.createSymbolicLink(dir.resolve("etc/up"), Path.of("../../../../../.."));
    assertThat(root.resolve("/etc/up/etc/docker/daemon.json")).contains(dir.toRealPath().resolve("etc/docker/daemon.json"));
  }

  @Test
  void aSymlinkOutOfTheRootIsNeverFollowed() throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside.json"), "{\"icc\": true}\n");
    Files.createSymbolicLink(dir.resolve("etc/abs.json"), outside.toAbsolutePath());
    Files.createSymbolicLink(dir.resolve("etc/rel.json"), Path.of("../../outside.json"));
    assertThat(root.readText("/etc/abs.json")).isEmpty(); // names ROOT/tmp/.../outside.json, which does not exist
    assertThat(root.readText("/etc/rel.json")).isEmpty(); // .. stops at ROOT: names ROOT/outside.json
  }

  @Test
  void aSymlinkLoopIsAProblem() throws IOException {
    Files.createSymbolicLink(dir.resolve("etc/a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("etc/b"), Path.of("/etc/a"));
    assertThatThrownBy(() -> root.readText("/etc/a")).isInstanceOf(RootProblem.class).hasMessage("/etc/a: symlink loop (more than 40 links followed)");
    Files.createSymbolicLink(dir.resolve("etc/self"), Path.of("self/x"));
    assertThatThrownBy(() -> root.exists("/etc/self")).isInstanceOf(RootProblem.class).hasMessageContaining("symlink loop");
  }

  @Test
  void aGigabyteFileIsTooLargeAndIsNotRead() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("etc/docker/huge.json").toFile(), "rw")) {
      f.setLength(1L << 30); // sparse: no disk used
    }
    assertThatThrownBy(() -> root.readText("/etc/docker/huge.json")).isInstanceOf(RootProblem.class)
        .hasMessage("/etc/docker/huge.json: too large (1073741824 bytes; at most 1 MiB is read)");
  }

  @Test
  void binaryJunkAndBadUtf8AreProblems() throws IOException {
    Files.write(dir.resolve("etc/docker/bin.json"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
    assertThatThrownBy(() -> root.readText("/etc/docker/bin.json")).hasMessage("/etc/docker/bin.json: binary content (a NUL byte at offset 7), not a text file");
    Files.write(dir.resolve("etc/docker/latin1.json"), "{\"a\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> root.readText("/etc/docker/latin1.json")).hasMessage("/etc/docker/latin1.json: not UTF-8 text");
  }

  /** Tests run as root, where chmod 000 does not stop a read: a directory and a FIFO where a file should be do. */
  @Test
  void whatCannotBeReadAsAFileIsAProblemWithoutBlocking() throws Exception {
    Files.createDirectories(dir.resolve("etc/default/docker"));
    assertThatThrownBy(() -> root.readText("/etc/default/docker")).hasMessage("/etc/default/docker: is a directory, not a file");
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("etc/fifo").toString()).start();
    assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    assertThatThrownBy(() -> root.readText("/etc/fifo")).hasMessage("/etc/fifo: not a regular file (a FIFO, socket or device is not read)");
  }

  @Test
  void aMissingOrFileRootIsRefusedInOneLine() throws IOException {
    assertThatThrownBy(() -> Root.offline(tmp.resolve("nope"))).isInstanceOf(IOException.class);
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> Root.offline(file)).isInstanceOf(IOException.class).hasMessageContaining("not a directory");
  }

  @Test
  void ownersComeFromTheRootsOwnAccountFiles() throws IOException {
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\ndockremap:x:4242:4242::/:/usr/sbin/nologin\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\ndocker:x:4243:\n");
    Accounts a = Accounts.of(root);
    assertThat(a.uid("dockremap")).contains(4242);
    assertThat(a.gid("docker")).contains(4243);
    assertThat(a.uid("nobody-here")).isEmpty();
  }
}
