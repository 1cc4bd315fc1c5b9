package dev.portcullis.vuln.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oci.TransferDeadlines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror that drips, stays silent or sends less than its Content-Length: the update fails with the deadline or the missing bytes. */
class MirrorDeadlinesTest {
  private static final TransferDeadlines SHORT = new TransferDeadlines(Duration.ofSeconds(4), Duration.ofSeconds(2), 1024);
  private static final String SHA = "0".repeat(64);

  @TempDir Path tmp;
  private ServerSocket socket;
  private HttpClient http;
  /** What to write for a path, after the request has been read; null: never answer. */
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  @FunctionalInterface
  interface Answer {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  @BeforeEach
  void start() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          Thread.ofVirtual().start(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    });
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterEach
  void stop() throws IOException {
    socket.close();
    http.close();
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      int c;
      while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
        head.append((char) c);
      }
      String path = head.toString().split(" ")[1];
      Answer answer = answers.get(path);
      if (answer == null) {
        // never answer: wait for the client to give up
        while (in.read() >= 0) {
          // nothing
        }
        return;
      }
      answer.write(s.getOutputStream());
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  private static void head(OutputStream out, long length) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static Answer drip(int length) {
    return out -> {
      head(out, length);
      for (int i = 0; i < length; i++) {
        out.write('{');
        out.flush();
        Thread.sleep(50);
      }
    };
  }

  private URI mirror() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mirror/");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/mirror/" + path;
  }

  private void index(String path, long size) {
    byte[] index = ("{\"files\":[{\"path\":\"" + path + "\",\"sha256\":\"" + SHA + "\",\"size\":" + size + "}]}").getBytes(StandardCharsets.UTF_8);
    answers.put("/mirror/index.json", out -> {
      head(out, index.length);
      out.write(index);
    });
  }

  private MirrorUpdater updater() {
    return new MirrorUpdater(http, DatabaseImportTest.OPTIONS, SHORT);
  }

  @Test
  void aDrippingIndexFailsWithTheStallTimeout() {
    answers.put("/mirror/index.json", drip(5000));
    Path db = tmp.resolve("db");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("update " + db + " from " + mirror() + ": GET index.json: reading " + url("index.json") + " stalled: ")
        .hasMessageContaining("less than the 1024 bytes the stall timeout requires");
    assertThat(db).doesNotExist();
  }

  @Test
  void anIndexThatNeverComesFailsWithTheStallTimeout() {
    Path db = tmp.resolve("db");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessage("update " + db + " from " + mirror() + ": GET index.json: no answer from " + url("index.json") + " within the stall timeout of 2 s");
  }

  @Test
  void aDrippingFileFailsWithTheStallTimeout() {
    index("osv/all.zip", 5000);
    answers.put("/mirror/osv/all.zip", drip(5000));
    Path db = tmp.resolve("db");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith("update " + db + " from " + mirror() + ": GET osv/all.zip: reading " + url("osv/all.zip") + " stalled: ");
  }

  @Test
  void aFileShorterThanItsContentLengthSaysHowManyBytesAreMissing() throws IOException {
    index("osv/all.zip", 100);
    answers.put("/mirror/osv/all.zip", out -> {
      head(out, 100);
      out.write(new byte[10]);
    });
    Path db = tmp.resolve("db");
    assertThatThrownBy(() -> updater().update(mirror(), db)).isInstanceOf(DatabaseException.class)
        .hasMessage("update " + db + " from " + mirror() + ": GET osv/all.zip: reading " + url("osv/all.zip")
            + ": the connection ended after 10 of the 100 bytes its Content-Length announces (90 missing)");
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("db");
    }
  }
}
