package dev.portcullis.oci.registry;

import static dev.portcullis.oci.registry.HostileServer.drip;
import static dev.portcullis.oci.registry.HostileServer.head;
import static dev.portcullis.oci.registry.HostileServer.respond;
import static dev.portcullis.oci.registry.HostileServer.silence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.core.Platform;
import dev.portcullis.oci.Image;
import dev.portcullis.oci.Layer;
import dev.portcullis.oci.ProgressListener;
import dev.portcullis.oci.ReadOptions;
import dev.portcullis.oci.RegistryOptions;
import dev.portcullis.oci.internal.Json;
import dev.portcullis.testkit.OciLayoutFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded, bounded fuzz pass over the registry client's responses: a scripted hostile registry
 * answers the token, manifest, config and layer requests of one pull, each honestly or with one of
 * the defects below. Every pull ends with an image read to the end or a one-line {@link
 * IOException} that names the operation and the registry, within the deadlines, with no body left
 * watched, and no {@code Authorization} header ever reaches another origin.
 */
class RegistryResponseFuzzTest {
  private static final long SEED = 0x19_4e61L;
  private static final int CASES = 30;
  private static final Platform AMD64 = new Platform("linux", "amd64", null);
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

  /** What a hostile registry can do to one answer. */
  enum Defect {
    HONEST, SHORT_BODY, LONG_BODY, DRIP, SILENCE, REDIRECT_LOOP, REDIRECT_ELSEWHERE, REDIRECT_TO_A_TRAP, MALFORMED_LOCATION, HUGE_HEADER,
    MALFORMED_JSON, HUGE_JSON, DEEP_JSON, WRONG_DIGEST, WRONG_MEDIA_TYPE, CUT_WITHOUT_LENGTH, BAD_CHUNKS, GARBAGE_STATUS, HANG_UP, SERVER_ERROR
  }

  @TempDir Path tmp;
  private HostileServer registry;
  private HostileServer foreign;

  @BeforeEach
  void start() throws Exception {
    registry = new HostileServer();
    foreign = new HostileServer();
  }

  @AfterEach
  void stop() {
    registry.close();
    foreign.close();
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, CASES).mapToObj(i -> SEED + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyAnswerIsAValueOrAOneLineErrorAndCredentialsStayHome(long seed) throws Exception {
    Random random = new Random(seed);
    OciLayoutFixture layout = OciLayoutFixture.create(tmp.resolve("layout"));
    OciLayoutFixture.Blob m = layout.manifest(AMD64, List.of(Map.of("etc/hello", "hello " + seed + "\n")));
    byte[] manifest = blob(layout, m.digest());
    JsonNode parsed = Json.MAPPER.readTree(manifest);
    Digest config = Digest.parse(parsed.path("config").path("digest").asText());
    Digest layer = Digest.parse(parsed.path("layers").path(0).path("digest").asText());

    Map<String, Defect> defects = new LinkedHashMap<>();
    for (String endpoint : List.of("/token", "/v2/app/manifests/1", "/v2/app/blobs/" + config, "/v2/app/blobs/" + layer)) {
      // most answers honest, so that later requests are reached too
      Defect d = random.nextInt(3) == 0 ? Defect.HONEST : Defect.values()[random.nextInt(Defect.values().length)];
      defects.put(endpoint, d);
    }
    serve("/token", defects.get("/token"), ("{\"token\":\"tok-" + seed + "\"}").getBytes(StandardCharsets.UTF_8), "application/json", random, null);
    serve("/v2/app/manifests/1", defects.get("/v2/app/manifests/1"), manifest, OciLayoutFixture.MANIFEST, random, m.digest());
    serve("/v2/app/blobs/" + config, defects.get("/v2/app/blobs/" + config), blob(layout, config), "application/octet-stream", random, null);
    serve("/v2/app/blobs/" + layer, defects.get("/v2/app/blobs/" + layer), blob(layout, layer), "application/octet-stream", random, null);

    String outcome = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> pull(), () -> "seed " + seed + " " + defects + " hung");

    assertThat(outcome).as("seed %d %s", seed, defects).doesNotContain("\n").doesNotContain("\r").isNotBlank();
    if (!outcome.equals("read")) {
      assertThat(outcome).as("seed %d %s", seed, defects).contains(registry.host());
    }
    assertThat(NetworkRead.watched()).as("seed %d %s: bodies still watched after the pull", seed, defects).isZero();
    assertThat(foreign.seen()).as("seed %d %s: requests to another origin", seed, defects).allMatch(r -> r.authorization() == null);
    for (HostileServer.Request r : registry.seen()) {
      String auth = r.authorization();
      if (auth != null) {
        assertThat(auth).as("seed %d: %s %s", seed, r.method(), r.target()).isEqualTo(r.path().startsWith("/v2/") ? "Bearer tok-" + seed : BASIC);
      }
    }
    boolean allHonest = defects.values().stream().allMatch(d -> d == Defect.HONEST || d == Defect.REDIRECT_ELSEWHERE);
    if (allHonest) {
      assertThat(outcome).as("seed %d %s", seed, defects).isEqualTo("read");
    }
  }

  /** Pulls and reads every layer to its end: "read", or the message of the IOException that stopped it. */
  private String pull() {
    RegistryOptions options = new RegistryOptions(true, null, new RegistryOptions.Credentials("alice", "s3cret"), null, 2, RegistryDeadlinesTest.SHORT);
    ReadOptions read = ReadOptions.defaults().withPlatform(AMD64).withListener(ProgressListener.NONE);
    try (RegistryClient client = RegistryClient.create(options, ProgressListener.NONE, Map.of(), tmp.toString(), d -> {}, Clock.systemUTC());
        Image image = client.image(ImageRef.parse(registry.host() + "/app:1"), read)) {
      for (Layer l : image.layers()) {
        try (InputStream in = l.open()) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      return "read";
    } catch (IOException e) {
      return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }
  }

  private static byte[] blob(OciLayoutFixture layout, Digest d) throws IOException {
    return Files.readAllBytes(layout.dir().resolve("blobs/sha256/" + d.hex()));
  }

  /** Serves {@code path} with {@code defect}; requests to /v2/ without the token get a Bearer challenge with the realm on the registry's host. */
  private void serve(String path, Defect defect, byte[] body, String mediaType, Random random, Digest digest) {
    long salt = random.nextLong();
    String[] headers = digest == null ? new String[] {"Content-Type", mediaType} : new String[] {"Content-Type", mediaType, "Docker-Content-Digest", digest.toString()};
    registry.on(path, (r, in, out) -> {
      if (path.startsWith("/v2/") && (r.authorization() == null || !r.authorization().startsWith("Bearer "))) {
        respond(out, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}",
            "WWW-Authenticate", "Bearer realm=\"http://" + registry.host() + "/token\",service=\"hostile\",scope=\"repository:app:pull\"");
        return;
      }
      answer(defect, new Random(salt), path, body, headers, in, out);
    });
    foreign.on(path, (r, in, out) -> respond(out, 200, body, headers));
    foreign.on("/trap", (r, in, out) -> respond(out, 401, "{}", "WWW-Authenticate", "Basic realm=\"trap\""));
  }

  private void answer(Defect defect, Random random, String path, byte[] body, String[] headers, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    switch (defect) {
      case HONEST -> respond(out, 200, body, headers);
      case SHORT_BODY -> {
        head(out, 200, with(headers, "Content-Length", Integer.toString(body.length + 1 + random.nextInt(1000))));
        out.write(body);
      }
      case LONG_BODY -> {
        int declared = random.nextInt(Math.max(1, body.length));
        head(out, 200, with(headers, "Content-Length", Integer.toString(declared)));
        out.write(body);
        out.write(new byte[random.nextInt(5000)]);
      }
      case DRIP -> {
        head(out, 200, with(headers, "Content-Length", Integer.toString(body.length)));
        drip(out, body, 50);
      }
      case SILENCE -> silence(in);
      case REDIRECT_LOOP -> respond(out, 302, "", "Location", path + "?again=" + random.nextInt(1000));
      case REDIRECT_ELSEWHERE -> respond(out, 307, "", "Location", "http://" + foreign.host() + path);
      case REDIRECT_TO_A_TRAP -> respond(out, 307, "", "Location", "http://" + foreign.host() + "/trap");
      case MALFORMED_LOCATION -> respond(out, 302, "", "Location", List.of("http://[bad", "ftp://x/y", "file:///etc/passwd", "\u00ff\u0001", "//").get(random.nextInt(5)));
      case HUGE_HEADER -> respond(out, 200, body, with(headers, "X-Padding", "p".repeat((1 << 20) + random.nextInt(1 << 20))));
      case MALFORMED_JSON -> respond(out, 200, mangle(body, random), headers);
      case HUGE_JSON -> {
        byte[] huge = ("{\"padding\":\"" + "a".repeat((9 << 20) + random.nextInt(1000)) + "\"}").getBytes(StandardCharsets.UTF_8);
        respond(out, 200, huge, headers);
      }
      case DEEP_JSON -> respond(out, 200, ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8), headers);
      case WRONG_DIGEST -> {
        byte[] flipped = body.clone();
        flipped[random.nextInt(flipped.length)] ^= 1;
        respond(out, 200, flipped, headers);
      }
      case WRONG_MEDIA_TYPE -> respond(out, 200, body, "Content-Type", List.of("text/html", "application/vnd.oci.image.index.v1+json", "x/\u00e9").get(random.nextInt(3)));
      case CUT_WITHOUT_LENGTH -> {
        head(out, 200, headers);
        out.write(body, 0, random.nextInt(body.length));
      }
      case BAD_CHUNKS -> {
        head(out, 200, with(headers, "Transfer-Encoding", "chunked"));
        out.write(("zz\r\n" + new String(body, 0, Math.min(body.length, 10), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
      }
      case GARBAGE_STATUS -> out.write(("HTTP/1.1 abc nonsense\r\n\r\n" + "\u0000".repeat(random.nextInt(100))).getBytes(StandardCharsets.ISO_8859_1));
      case HANG_UP -> {
        // close without a word
      }
      case SERVER_ERROR -> respond(out, 500 + random.nextInt(4), "<html>" + "x".repeat(random.nextInt(100_000)) + "</html>", "Retry-After",
          Integer.toString(random.nextInt(7200)));
    }
  }

  private static byte[] mangle(byte[] body, Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> Arrays.copyOf(body, random.nextInt(body.length));
      case 1 -> {
        byte[] b = body.clone();
        for (int i = 0; i < 5; i++) {
          b[random.nextInt(b.length)] = (byte) "{}[]\",:\u0000".charAt(random.nextInt(8));
        }
        yield b;
      }
      default -> "{\"schemaVersion\":2,\"layers\":\"not a list\",\"config\":{\"digest\":\"sha256:xyz\",\"size\":-1}}".getBytes(StandardCharsets.UTF_8);
    };
  }

  private static String[] with(String[] headers, String name, String value) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.add(name);
    all.add(value);
    return all.toArray(String[]::new);
  }
}
