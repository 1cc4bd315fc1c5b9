package dev.portcullis.host.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The HTTP side of the Docker source against answers a real engine never gives; the real engine runs in {@code ContainersIT}. */
class DockerContainersTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsABodyByContentLength() throws IOException {
    DockerContainers.Response r = DockerContainers.parse(
        bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]trailing"), "t");
    assertThat(r.status()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("[]");
  }

  @Test
  void readsAChunkedBody() throws IOException {
    DockerContainers.Response r = DockerContainers.parse(
        bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[{}\r\na;ext=1\r\n,{},{},{}]\r\n0\r\n\r\n"), "t");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("[{},{},{},{}]");
  }

  @Test
  void truncatedOrForeignAnswersAreErrors() {
    assertThatThrownBy(() -> DockerContainers.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[]"), "GET x"))
        .hasMessage("GET x: the answer ended after 2 of 10 bytes");
    assertThatThrownBy(() -> DockerContainers.parse(bytes("HTTP/1.1 200 OK\r\nContent-Len"), "GET x"))
        .hasMessage("GET x: the answer ended before its headers did (28 bytes)");
    assertThatThrownBy(() -> DockerContainers.parse(bytes("SSH-2.0-OpenSSH_9.2\r\n\r\n"), "GET x"))
        .hasMessage("GET x: not an HTTP answer: SSH-2.0-OpenSSH_9.2");
    assertThatThrownBy(() -> DockerContainers.parse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "GET x"))
        .hasMessage("GET x: chunk size zz is not hexadecimal");
  }

  @Test
  void anEngineThatNeverAnswersIsGivenUpAtTheDeadline() throws Exception {
    withServer(ch -> sleepQuietly(), socket ->
        assertThatThrownBy(() -> new DockerContainers(socket).running(Duration.ofMillis(300)))
            .isInstanceOf(IOException.class)
            .hasMessage("GET /containers/json from the docker engine at " + socket + ": no complete answer within 300 ms"));
  }

  @Test
  void anEndlessAnswerIsCutAtTheCap() throws Exception {
    withServer(ch -> {
      try {
        ch.write(ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[")));
        ByteBuffer spaces = ByteBuffer.wrap(bytes(" ".repeat(64 * 1024)));
        while (true) {
          spaces.rewind();
          ch.write(spaces);
        }
      } catch (IOException e) {
        // the client hung up, as it should
      }
    }, socket -> assertThatThrownBy(() -> new DockerContainers(socket).running(Duration.ofMinutes(1)))
        .isInstanceOf(IOException.class)
        .hasMessageEndingWith(": the answer is larger than 16777216 bytes, refused"));
  }

  @Test
  void anErrorStatusCarriesTheEnginesMessage() throws Exception {
    withServer(ch -> {
      try {
        ch.write(ByteBuffer.wrap(bytes("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 33\r\n\r\n"
            + "{\"message\":\"containerd is gone\"}\n   ")));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, socket -> assertThatThrownBy(() -> new DockerContainers(socket).running(Duration.ofMinutes(1)))
        .hasMessage("GET /containers/json from the docker engine at " + socket
            + ": HTTP 500 {\"message\":\"containerd is gone\"}"));
  }

  @Test
  void noEngineAtTheSocketIsReported() {
    Path socket = Path.of("/nonexistent/docker.sock");
    assertThatThrownBy(() -> new DockerContainers(socket).running(Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("GET /containers/json from the docker engine at /nonexistent/docker.sock: cannot connect");
  }

  private interface SocketTest {
    void run(Path socket) throws Exception;
  }

  /** A one-connection server on a Unix socket that reads the request's first bytes, then answers as {@code answer} does. */
  private static void withServer(Consumer<SocketChannel> answer, SocketTest test) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "pcs-sock-");
    Path socket = dir.resolve("d.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread t = Thread.ofVirtual().start(() -> {
        try (SocketChannel ch = server.accept()) {
          ch.read(ByteBuffer.allocate(4096));
          answer.accept(ch);
        } catch (IOException e) {
          // closed by the test
        }
      });
      try {
        test.run(socket);
      } finally {
        server.close();
        t.interrupt();
      }
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
