package dev.portcullis.admission.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.admission.ImageFacts;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server (the JDK's) that answers as the Portcullis server does. */
class ServerEvidenceTest {
  static final String TOKEN = "pcs_test_token";
  static final ImageFacts FACTS = FactsJsonTest.sample();
  static final Digest D = FACTS.digest();

  HttpServer server;
  final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<String> seen = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  record Answer(int status, String body) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/admission/facts", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String query = ex.getRequestURI().getQuery();
    seen.add(ex.getRequestHeaders().getFirst("Authorization") + " " + query);
    String image = query.substring("image=".length());
    Answer a;
    if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      a = new Answer(401, "{\"error\":\"missing or bad token\"}");
    } else {
      a = answers.getOrDefault(image, new Answer(404, "{\"error\":\"unknown image\"}"));
    }
    if (a.status() == 0) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      a = new Answer(200, "{}");
    }
    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(a.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  ServerEvidence client(String token) throws IOException {
    return new ServerEvidence(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), token, Optional.empty(), Duration.ofSeconds(2),
        Clock.systemUTC());
  }

  static Instant soon() {
    return Instant.now().plusSeconds(5);
  }

  @Test
  void readsFactsAndResolvesTags() throws IOException {
    answers.put("registry.example:5000/app@" + D, new Answer(200, FactsJson.writeEnvelope(new FactsJson.Envelope("registry.example:5000/app@" + D, D, FACTS))));
    answers.put("registry.example:5000/app:1", new Answer(200, FactsJson.writeEnvelope(new FactsJson.Envelope("registry.example:5000/app:1", D, FACTS))));
    try (ServerEvidence e = client(TOKEN)) {
      assertEquals(Optional.of(FACTS), e.facts(ImageRef.parse("registry.example:5000/app:1"), D, soon()));
      assertEquals(Optional.of(D), e.resolve(ImageRef.parse("registry.example:5000/app:1"), soon()));
      assertEquals(Optional.empty(), e.resolve(ImageRef.parse("registry.example:5000/app:2"), soon()));
      assertEquals(Optional.empty(), e.facts(ImageRef.parse("registry.example:5000/other:1"), D, soon()));
    }
    assertTrue(seen.getFirst().startsWith("Bearer " + TOKEN + " image=registry.example:5000/app@sha256:"), seen.getFirst());
  }

  @Test
  void anotherStatusNamesTheServerAndStatusButNotTheToken() throws IOException {
    try (ServerEvidence e = client("pcs_wrong")) {
      IOException x = assertThrows(IOException.class, () -> e.resolve(ImageRef.parse("registry.example:5000/app:1"), soon()));
      assertTrue(x.getMessage().contains("127.0.0.1:" + server.getAddress().getPort()), x.getMessage());
      assertTrue(x.getMessage().contains("401 {\"error\":\"missing or bad token\"}"), x.getMessage());
      assertFalse(x.getMessage().contains("pcs_wrong"), x.getMessage());
    }
  }

  @Test
  void aMalformedAnswerIsAnError() throws IOException {
    answers.put("registry.example:5000/app:1", new Answer(200, "{\"image\":\"x\",\"digest\":\"" + D + "\",\"facts\":{\"standing\":\"banned\"}}"));
    answers.put("registry.example:5000/app@" + D, new Answer(200, FactsJson.writeEnvelope(
        new FactsJson.Envelope("x", Digest.sha256("y".getBytes()), new ImageFacts(Digest.sha256("y".getBytes()), Optional.empty(), "", List.of(),
            List.of(), Instant.EPOCH)))));
    try (ServerEvidence e = client(TOKEN)) {
      IOException x = assertThrows(IOException.class, () -> e.resolve(ImageRef.parse("registry.example:5000/app:1"), soon()));
      assertTrue(x.getMessage().contains("not image facts"), x.getMessage());
      IOException other = assertThrows(IOException.class, () -> e.facts(ImageRef.parse("registry.example:5000/app:1"), D, soon()));
      assertTrue(other.getMessage().contains("when asked for"), other.getMessage());
    }
  }

  @Test
  void anAnswerPastTheDeadlineIsATimeout() throws IOException {
    answers.put("registry.example:5000/slow:1", new Answer(0, ""));
    try (ServerEvidence e = client(TOKEN)) {
      assertThrows(HttpTimeoutException.class, () -> e.resolve(ImageRef.parse("registry.example:5000/slow:1"), Instant.now().plusMillis(200)));
      assertThrows(HttpTimeoutException.class, () -> e.resolve(ImageRef.parse("registry.example:5000/slow:1"), Instant.now().minusSeconds(1)));
    }
  }

  @Test
  void anOversizedAnswerIsRefused() throws IOException {
    answers.put("registry.example:5000/big:1", new Answer(200, "{\"image\":\"" + "x".repeat(ServerEvidence.MAX_ANSWER_BYTES) + "\"}"));
    try (ServerEvidence e = client(TOKEN)) {
      IOException x = assertThrows(IOException.class, () -> e.resolve(ImageRef.parse("registry.example:5000/big:1"), soon()));
      assertTrue(x.getMessage().contains("larger than"), x.getMessage());
    }
  }

  @Test
  void refusesBadConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> new ServerEvidence(URI.create("ftp://x"), TOKEN, Optional.empty(), Duration.ofSeconds(1), Clock.systemUTC()));
    assertThrows(IllegalArgumentException.class, () -> new ServerEvidence(URI.create("http://x"), "a\r\nb", Optional.empty(), Duration.ofSeconds(1), Clock.systemUTC()));
  }
}
