package dev.portcullis.oci.registry;

import static dev.portcullis.oci.registry.HostileServer.drip;
import static dev.portcullis.oci.registry.HostileServer.head;
import static dev.portcullis.oci.registry.HostileServer.respond;
import static dev.portcullis.oci.registry.HostileServer.silence;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.oci.ImageReadException;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.TransferDeadlines;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that drips, stalls, never answers or sends less than its {@code Content-Length}: every
 * read fails with a one-line message naming the operation, the URL and the deadline or the missing bytes.
 */
class RegistryDeadlinesTest {
  // short enough for a fast suite, long enough that an honest exchange on a busy machine makes it
  static final TransferDeadlines SHORT = new TransferDeadlines(Duration.ofSeconds(4), Duration.ofSeconds(2), 1024);
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path tmp;
  private HostileServer server;

  @BeforeEach
  void start() throws Exception {
    server = new HostileServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RegistryClient client() throws Exception {
    RegistryOptions options = new RegistryOptions(true, null, new RegistryOptions.Credentials("alice", "s3cret"), null, 1, SHORT);
    return RegistryClient.create(options, ProgressListener.NONE, Map.of(), tmp.toString(), d -> {}, Clock.systemUTC());
  }

  private ImageRef ref(String rest) {
    return ImageRef.parse(server.host() + "/" + rest);
  }

  private String url(String path) {
    return "http://" + server.host() + path;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  @Test
  void aManifestDrippingOneByteAtATimeFailsWithTheStallTimeout() throws Exception {
    server.on("/v2/app/manifests/1", (r, in, out) -> {
      head(out, 200, "Content-Type", MANIFEST, "Content-Length", "5000");
      drip(out, bytes(5000), 50);
    });
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.manifest(ref("app:1"), 1 << 20)).isInstanceOf(NetworkReadException.class)
          .hasMessageStartingWith("pull manifest " + server.host() + "/app:1: reading " + url("/v2/app/manifests/1") + " stalled: ")
          .hasMessageContaining("less than the 1024 bytes the stall timeout requires");
    }
  }

  @Test
  void aManifestThatNeverComesFailsWithTheStallTimeout() throws Exception {
    server.on("/v2/app/manifests/1", (r, in, out) -> silence(in));
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.manifest(ref("app:1"), 1 << 20)).isInstanceOf(NetworkReadException.class)
          .hasMessage("pull manifest " + server.host() + "/app:1: no answer from " + url("/v2/app/manifests/1") + " within the stall timeout of 2 s");
    }
  }

  @Test
  void aBlobThatKeepsComingFailsWithTheNetworkTimeout() throws Exception {
    Digest digest = Digest.sha256("anything".getBytes(StandardCharsets.UTF_8));
    long size = 1L << 30;
    server.on("/v2/app/blobs/" + digest, (r, in, out) -> {
      head(out, 200, "Content-Length", Long.toString(size));
      // 40 KiB/s: fast enough for the stall timeout, far too slow for 1 GiB in 4 s
      for (int i = 0; i < 2000; i++) {
        out.write(bytes(4096));
        out.flush();
        Thread.sleep(100);
      }
    });
    try (RegistryClient client = client(); InputStream in = client.blob(ref("app:1"), new Descriptor("application/octet-stream", digest, size))) {
      assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream())).isInstanceOf(NetworkReadException.class)
          .hasMessageStartingWith("pull blob " + digest + " of " + server.host() + "/app: reading " + url("/v2/app/blobs/" + digest)
              + " took longer than the network timeout of 4 s (")
          .hasMessageEndingWith(" of " + size + " bytes read)");
    }
  }

  @Test
  void aTokenThatDripsFailsWithTheStallTimeout() throws Exception {
    server.on("/v2/app/manifests/1", (r, in, out) -> respond(out, 401, "{}",
        "WWW-Authenticate", "Bearer realm=\"" + url("/token") + "\",service=\"hostile\""));
    server.on("/token", (r, in, out) -> {
      head(out, 200, "Content-Type", "application/json", "Content-Length", "3000");
      drip(out, ("{\"token\":\"" + "t".repeat(2980) + "\"}").getBytes(StandardCharsets.UTF_8), 50);
    });
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.manifest(ref("app:1"), 1 << 20)).isInstanceOf(NetworkReadException.class)
          .hasMessageStartingWith("pull manifest " + server.host() + "/app:1: get token from " + url("/token") + ": reading " + url("/token") + " stalled: ");
    }
  }

  @Test
  void anUploadWhoseAnswerNeverComesFailsWithTheNetworkTimeout() throws Exception {
    byte[] content = bytes(10);
    Digest digest = Digest.sha256(content);
    server.on("/v2/app/blobs/" + digest, (r, in, out) -> respond(out, 404, ""));
    server.on("/v2/app/blobs/uploads/", (r, in, out) -> respond(out, 202, "", "Location", "/upload/1"));
    server.on("/upload/1", (r, in, out) -> silence(in));
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.putBlob(ref("app:1"), new ByteArrayInputStream(content), content.length, digest))
          .isInstanceOf(NetworkReadException.class)
          .hasMessage("push blob " + digest + " to " + server.host() + "/app: no answer from " + url("/upload/1") + " within the network timeout of 4 s");
    }
  }

  @Test
  void aManifestShorterThanItsContentLengthSaysHowManyBytesAreMissing() throws Exception {
    server.on("/v2/app/manifests/1", (r, in, out) -> {
      head(out, 200, "Content-Type", MANIFEST, "Content-Length", "1000");
      out.write(bytes(10));
    });
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.manifest(ref("app:1"), 1 << 20)).isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + server.host() + "/app:1: reading " + url("/v2/app/manifests/1")
              + ": the connection ended after 10 of the 1000 bytes its Content-Length announces (990 missing)");
    }
  }

  @Test
  void aBlobShorterThanItsContentLengthSaysHowManyBytesAreMissing() throws Exception {
    byte[] content = bytes(100);
    Digest digest = Digest.sha256(content);
    server.on("/v2/app/blobs/" + digest, (r, in, out) -> {
      head(out, 200, "Content-Length", "100");
      out.write(content, 0, 60);
    });
    try (RegistryClient client = client(); InputStream in = client.blob(ref("app:1"), new Descriptor("application/octet-stream", digest, 100))) {
      assertThatThrownBy(in::readAllBytes)
          .hasMessage("pull blob " + digest + " of " + server.host() + "/app: reading " + url("/v2/app/blobs/" + digest)
              + ": the connection ended after 60 of the 100 bytes its Content-Length announces (40 missing)");
    }
  }

  @Test
  void anErrorBodyThatDripsStillReportsTheStatus() throws Exception {
    server.on("/v2/app/manifests/1", (r, in, out) -> {
      head(out, 404, "Content-Length", "5000");
      drip(out, bytes(5000), 50);
    });
    try (RegistryClient client = client()) {
      assertThatThrownBy(() -> client.manifest(ref("app:1"), 1 << 20)).isInstanceOf(ImageReadException.class)
          .hasMessage("pull manifest " + server.host() + "/app:1: 404 Not Found");
    }
  }
}
