package dev.portcullis.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.core.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream answers a real registry never gives, from a stub on loopback: no digest header, a
 * manifest over the limit, a malformed digest, an upstream that stalls. Each is decided without
 * ever serving an undecided manifest.
 */
class PullGateUpstreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
      .getBytes(StandardCharsets.UTF_8);
  private static final Digest MANIFEST_DIGEST = Digest.sha256(MANIFEST);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static final List<String> ASKED = new CopyOnWriteArrayList<>();
  private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();

  private static HttpServer upstream;
  private static ExecutorService upstreamThreads;
  private static PullGate gate;

  @BeforeAll
  static void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    upstreamThreads = Executors.newCachedThreadPool();
    upstream.setExecutor(upstreamThreads);
    upstream.createContext("/v2/nodigest/manifests/", e -> answer(e, 200, MANIFEST, null));
    upstream.createContext("/v2/big/manifests/", e -> answer(e, 200, new byte[4096], null));
    upstream.createContext("/v2/baddigest/manifests/", e -> answer(e, 200, MANIFEST, "md5:0000"));
    upstream.createContext("/v2/stalls-before-headers/", e -> {
      await();
      answer(e, 200, MANIFEST, null);
    });
    upstream.createContext("/v2/stalls-in-body/manifests/", e -> {
      e.sendResponseHeaders(200, 0);
      e.getResponseBody().write(MANIFEST, 0, 10);
      e.getResponseBody().flush();
      await();
      e.close();
    });
    upstream.start();
    PullGate.Options options = PullGate.Options.of("127.0.0.1", 0,
            URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30))
        .withMaxManifestBytes(1024);
    PullPolicy policy = (repository, reference, digest) -> {
      ASKED.add(repository + " " + reference + " " + digest);
      return repository.equals("nodigest") && reference.equals("denied") ? Admission.deny("no") : Admission.pass();
    };
    gate = PullGate.start(options, policy, PROBLEMS::add);
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    if (gate != null) {
      gate.close();
    }
    upstream.stop(0);
    upstreamThreads.shutdownNow();
  }

  @BeforeEach
  void clear() {
    ASKED.clear();
    PROBLEMS.clear();
  }

  private static void await() {
    try {
      RELEASE.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(HttpExchange e, int status, byte[] body, String digest) throws IOException {
    e.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    if (digest != null) {
      e.getResponseHeaders().set("Docker-Content-Digest", digest);
    }
    if (e.getRequestMethod().equals("HEAD")) {
      e.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
      e.sendResponseHeaders(status, -1);
    } else {
      e.sendResponseHeaders(status, body.length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    }
    e.close();
  }

  private static HttpResponse<byte[]> send(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(gate.uri() + path)).timeout(Duration.ofSeconds(60))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String code(HttpResponse<byte[]> r) throws IOException {
    return JSON.readTree(r.body()).at("/errors/0/code").asText();
  }

  @Test
  void withoutADigestHeaderATagIsDecidedOnTheSha256OfTheBody() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/v2/nodigest/manifests/t");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(MANIFEST);
    assertThat(ASKED).containsExactly("nodigest t " + MANIFEST_DIGEST);

    assertThat(send("GET", "/v2/nodigest/manifests/denied").statusCode()).isEqualTo(403);
  }

  @Test
  void withoutADigestHeaderAHeadByTagReadsTheManifestToLearnItsDigest() throws Exception {
    HttpResponse<byte[]> r = send("HEAD", "/v2/nodigest/manifests/t");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ASKED).containsExactly("nodigest t " + MANIFEST_DIGEST);
    assertThat(send("HEAD", "/v2/nodigest/manifests/denied").statusCode()).isEqualTo(403);
  }

  @Test
  void withoutADigestHeaderADigestReferenceIsDecidedOnThatDigest() throws Exception {
    assertThat(send("GET", "/v2/nodigest/manifests/" + MANIFEST_DIGEST).statusCode()).isEqualTo(200);
    assertThat(ASKED).containsExactly("nodigest " + MANIFEST_DIGEST + " " + MANIFEST_DIGEST);
  }

  @Test
  void aManifestOverTheLimitIsRefusedWithoutAsking() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/v2/big/manifests/t");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(code(r)).isEqualTo("MANIFEST_INVALID");
    assertThat(ASKED).isEmpty();
    assertThat(PROBLEMS).singleElement().asString().contains("1024");
  }

  @Test
  void aMalformedDigestHeaderIsRefused() throws Exception {
    HttpResponse<byte[]> r = send("GET", "/v2/baddigest/manifests/t");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(ASKED).isEmpty();
  }

  @Test
  void anUpstreamThatStallsIsCutOffWith504() throws Exception {
    for (String path : List.of("/v2/stalls-before-headers/manifests/t", "/v2/stalls-in-body/manifests/t",
        "/v2/stalls-before-headers/tags/list")) {
      HttpResponse<byte[]> r = send("GET", path);
      assertThat(r.statusCode()).as(path).isEqualTo(504);
      assertThat(code(r)).as(path).isEqualTo("UNAVAILABLE");
    }
    assertThat(ASKED).isEmpty();
    assertThat(PROBLEMS).hasSize(3).allMatch(line -> line.contains("did not answer in time"));
  }
}
