package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.Buildah;
import dev.portcullis.testkit.ChildJvm;
import dev.portcullis.testkit.Debootstrap;
import dev.portcullis.testkit.LayerBuilder;
import dev.portcullis.testkit.OciLayoutBuilder;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.TestImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis promote} between two real docker-registry processes, "dev" and "prod", with
 * images pushed by skopeo (the example image, the JDWP acceptance image, a large synthetic one),
 * signed and attested by our own commands, and read back at prod by our verify commands and by
 * skopeo. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromoteCommandIT {
  static final String PASSPHRASE = "promotion passphrase 41c9";
  static final String AT = "2026-11-01T12:00:00Z";
  static final String PROMOTION = "https://portcullis.dev/attestation/promotion/v1";
  @TempDir static Path tmp;
  static RegistryProcess dev;
  static RegistryProcess prod;
  static Path db;
  static String hello;
  static String digest;
  static final List<CliRun> ALL = new ArrayList<>();

  static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), Map.of(PassphraseOptions.ENV, PASSPHRASE, "USER", "ci-bot"));
    CliRun r = new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    ALL.add(r);
    return r;
  }

  static String key(String name) {
    return tmp.resolve(name).toString();
  }

  /** {@code promote SOURCE DEST} with the options every promotion here shares, then {@code more}. */
  static CliRun promote(String source, String dest, String... more) {
    List<String> args = new ArrayList<>(List.of("promote", "--insecure", "--quiet", "--no-cache", "--db", db.toString(), "--at", AT,
        "--key", key("release.key"), source, dest));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  static String skopeoDigest(String ref) throws IOException {
    return JsonOutput.MAPPER.readTree(Skopeo.inspect("docker://" + ref, "--tls-verify=false")).path("Digest").asText();
  }

  static List<String> tags(RegistryProcess registry, String repository) throws IOException {
    Path dir = registry.storageDir().resolve("docker/registry/v2/repositories/" + repository + "/_manifests/tags");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @BeforeAll
  static void registriesKeysAndImages() throws IOException {
    dev = RegistryProcess.start();
    prod = RegistryProcess.start();
    for (String name : List.of("ci", "release")) {
      CliRun k = run("key", "generate", "--output-prefix", key(name));
      assertThat(k.exit()).as(k.err()).isZero();
    }
    Files.writeString(tmp.resolve("trust.yaml"), """
        apiVersion: portcullis.dev/v1
        kind: TrustPolicy
        signatures:
          anyOf: [%s]
        """.formatted(key("ci.pub")));
    db = tmp.resolve("db");
    assertThat(run("db", "import", "--db", db.toString(), CliTest.EXAMPLE.resolveSibling("advisories").toString()).exit()).isZero();
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + dev.host() + "/hello:1.0", List.of("--dest-tls-verify=false"));
    hello = "registry:" + dev.host() + "/hello:1.0";
    digest = skopeoDigest(dev.host() + "/hello:1.0");
  }

  @AfterAll
  static void stopAndCheckNoSecretLeaked() {
    for (RegistryProcess r : new RegistryProcess[] {dev, prod}) {
      if (r != null) {
        r.close();
      }
    }
    for (CliRun r : ALL) {
      assertThat(r.out() + r.err()).doesNotContain(PASSPHRASE).doesNotContain("PRIVATE KEY").doesNotContain("\tat ");
    }
  }

  @Test
  @Order(1)
  void aSignedAndAttestedImageIsPromotedToProdWhereEverythingVerifies() throws IOException {
    assertThat(run("sign", "--insecure", "--key", key("ci.key"), hello).exit()).isZero();
    CliRun attested = run("attest", "--insecure", "--no-cache", "--type", "verdict", "--stage", "dev", "--db", db.toString(), "--at", AT,
        "--key", key("ci.key"), hello);
    assertThat(attested.exit()).as(attested.err()).isZero();

    // the example image keeps its debug settings in a layer that a later one deletes: denied at prod, a warning at test
    CliRun p = promote(hello, prod.host() + "/hello:1.0", "--stage", "test", "--trust", tmp.resolve("trust.yaml").toString(),
        "--requester", "alice", "--approver", "bob");
    assertThat(p.exit()).as(p.out() + p.err()).isZero();
    assertThat(p.out()).startsWith("promoted " + dev.host() + "/hello:1.0@" + digest + " to " + prod.host() + "/hello:1.0@" + digest)
        .contains("2 copied, 2 verified at the destination");

    String atProd = "registry:" + prod.host() + "/hello:1.0";
    assertThat(skopeoDigest(prod.host() + "/hello:1.0")).isEqualTo(digest);
    CliRun verify = run("verify", "--insecure", "--key", key("ci.pub"), atProd);
    assertThat(verify.exit()).as(verify.err()).isZero();
    CliRun verdict = run("verify-attestation", "--insecure", "--type", "verdict", "--key", key("ci.pub"), atProd);
    assertThat(verdict.exit()).as(verdict.err()).isZero();
    CliRun promotion = run("verify-attestation", "--insecure", "--type", PROMOTION, "--key", key("release.pub"), "--format", "json", atProd);
    assertThat(promotion.exit()).as(promotion.err()).isZero();
    JsonNode predicate = JsonOutput.MAPPER.readTree(promotion.out()).path("evidence").get(0).path("predicate");
    assertThat(predicate.path("from").asText()).isEqualTo(dev.host() + "/hello:1.0@" + digest);
    assertThat(predicate.path("to").asText()).isEqualTo(prod.host() + "/hello:1.0@" + digest);
    assertThat(predicate.path("stage").asText()).isEqualTo("test");
    assertThat(predicate.path("decision").asText()).isEqualTo("warn");
    assertThat(predicate.path("score").asInt()).isEqualTo(80); // docs/policy.md: the example scores 80
    assertThat(predicate.path("requester").asText()).isEqualTo("alice");
    assertThat(predicate.path("approver").asText()).isEqualTo("bob");
    // skopeo reads the signature and attestation manifests at prod exactly as they are at dev
    for (String suffix : List.of(".sig", ".att")) {
      String tag = "/hello:" + digest.replace(':', '-') + suffix;
      JsonNode there = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + prod.host() + tag, "--tls-verify=false"));
      JsonNode here = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + dev.host() + tag, "--tls-verify=false"));
      if (suffix.equals(".sig")) {
        assertThat(there).isEqualTo(here);
      } else {
        // the promotion attestation was appended at prod to what came from dev
        assertThat(there.path("layers").size()).isEqualTo(here.path("layers").size() + 1);
        assertThat(there.path("layers").get(0)).isEqualTo(here.path("layers").get(0));
      }
    }
  }

  @Test
  @Order(2)
  void debugLeftoversAreRefusedAtProdWithTheRuleAndWhereTheyAre() throws IOException {
    // in a file: the file and the layer that brought it are named
    CliRun example = promote(hello, prod.host() + "/hello:prod", "--stage", "prod");
    assertThat(example.exit()).as(example.out() + example.err()).isEqualTo(1);
    assertThat(example.err()).startsWith("portcullis: promote refused (denied at prod): deny debug-leftover: ")
        .contains("PCS-DEBUG-009 at /app/debug.properties (layer 1)");
    assertThat(tags(prod, "hello")).doesNotContain("prod");
    // the JDWP acceptance image: the agent is in the config's entrypoint, which is named
    Path work = Files.createTempDirectory(TestImages.workDir(), "cli-promote-");
    Path base = work.resolve("bookworm");
    Files.createSymbolicLink(base, Debootstrap.layout());
    Path jdwp = CliTest.EXAMPLE.getParent().getParent().getParent().resolve("cli/src/test/resources/dev/portcullis/cli/jdwp");
    try (Buildah buildah = Buildah.create(work, TestImages.DRIVER)) {
      buildah.bud(jdwp, "localhost/portcullis-test/promote-jdwp:1", Map.of("BASE", "oci:" + base + ":" + Debootstrap.TAG));
      buildah.push("localhost/portcullis-test/promote-jdwp:1", "oci:" + work.resolve("jdwp") + ":jdwp");
    }
    Skopeo.copy("oci:" + work.resolve("jdwp") + ":jdwp", "docker://" + dev.host() + "/jdwp:1", List.of("--dest-tls-verify=false"));
    CliRun p = promote("registry:" + dev.host() + "/jdwp:1", prod.host() + "/jdwp:1", "--stage", "prod", "--requester", "alice");
    assertThat(p.exit()).as(p.out() + p.err()).isEqualTo(1);
    assertThat(p.err()).startsWith("portcullis: promote refused (denied at prod): deny debug-leftover: ")
        .contains("PCS-DEBUG-001 at config.Entrypoint");
    assertThat(tags(prod, "jdwp")).isEmpty();
    assertThat(Files.exists(prod.storageDir().resolve("docker/registry/v2/repositories/jdwp"))).isFalse();
  }

  @Test
  @Order(3)
  void anExistingTagIsNotMovedUnlessAllowedAndThenTheMoveIsSaid() throws IOException {
    Path other = tmp.resolve("other");
    new OciLayoutBuilder().refName("other").layer(new LayerBuilder().file("srv/what-prod-runs.txt", "the running release")).write(other);
    Skopeo.copy("oci:" + other + ":other", "docker://" + prod.host() + "/hello:stable", List.of("--dest-tls-verify=false"));
    String running = skopeoDigest(prod.host() + "/hello:stable");

    CliRun refused = promote(hello, prod.host() + "/hello:stable", "--stage", "test");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
    assertThat(refused.err()).startsWith("portcullis: promote refused (tag taken): " + prod.host() + "/hello:stable already names " + running);
    assertThat(skopeoDigest(prod.host() + "/hello:stable")).isEqualTo(running);

    CliRun moved = promote(hello, prod.host() + "/hello:stable", "--stage", "test", "--allow-retag");
    assertThat(moved.exit()).as(moved.err()).isZero();
    assertThat(moved.out()).contains("moved the tag stable from " + running);
    assertThat(skopeoDigest(prod.host() + "/hello:stable")).isEqualTo(digest);
  }

  @Test
  @Order(4)
  void withinOneRegistryTheBlobsAreMountedNotUploaded() throws IOException {
    CliRun p = promote(hello, dev.host() + "/release/hello:1.0", "--stage", "test", "--format", "json");
    assertThat(p.exit()).as(p.err()).isZero();
    JsonNode out = JsonOutput.MAPPER.readTree(p.out());
    JsonNode manifest = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + dev.host() + "/hello:1.0", "--tls-verify=false"));
    List<String> blobs = new ArrayList<>(List.of(manifest.path("config").path("digest").asText()));
    manifest.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
    assertThat(out.path("transfer").path("mounted").asInt()).isEqualTo(blobs.size());
    assertThat(out.path("transfer").path("streamed").asInt()).isZero();
    // the registry's access log: each image blob was mounted (201) into release/hello and never uploaded there
    String log = dev.log();
    for (String blob : blobs) {
      String encoded = blob.replace(":", "%3A");
      assertThat(log).containsPattern("\"POST /v2/release/hello/blobs/uploads/\\?mount=" + Pattern.quote(encoded) + "&from=hello HTTP/1.1\" 201");
      assertThat(log).doesNotContainPattern("\"PUT /v2/release/hello/blobs/uploads/[^ ]*digest=" + Pattern.quote(encoded));
    }
    assertThat(skopeoDigest(dev.host() + "/release/hello:1.0")).isEqualTo(digest);
  }

  @Test
  @Order(5)
  void badInputIsOneLineAndExitTwo() throws IOException {
    CliRun noTag = promote(hello, prod.host() + "/hello", "--stage", "prod");
    assertThat(noTag.exit()).isEqualTo(2);
    assertThat(noTag.err().lines().toList()).singleElement().asString()
        .isEqualTo("portcullis: promote to " + prod.host() + "/hello: the destination must name a tag and no digest (REGISTRY/REPOSITORY:TAG)");
    CliRun byDigest = promote(hello, prod.host() + "/hello:1@" + digest, "--stage", "prod");
    assertThat(byDigest.exit()).isEqualTo(2);
    assertThat(byDigest.err()).contains("must name a tag and no digest");

    CliRun unreachable = promote("registry:127.0.0.1:9/hello:1.0", prod.host() + "/hello:2", "--stage", "prod", "--network-timeout", "5s");
    assertThat(unreachable.exit()).isEqualTo(2);
    assertThat(unreachable.err().lines().toList()).singleElement().asString().startsWith("portcullis: pull manifest 127.0.0.1:9/hello:1.0");
    CliRun unknownStage = promote(hello, prod.host() + "/hello:3", "--stage", "staging");
    assertThat(unknownStage.exit()).isEqualTo(2);
    assertThat(unknownStage.err()).contains("has no stage staging");
    CliRun local = promote("oci-dir:" + CliTest.EXAMPLE, prod.host() + "/hello:4", "--stage", "prod");
    assertThat(local.exit()).isEqualTo(2);
    assertThat(local.err()).contains("push it first");
    assertThat(tags(prod, "hello")).doesNotContain("2", "3", "4");
  }

  /**
   * A promotion killed with SIGKILL while it streams the blobs of a large image (the moment prod has
   * the first of three large layers) leaves no destination tag; run again, it completes.
   */
  @Test
  @Order(6)
  void aPromotionKilledMidCopyLeavesNoTag() throws Exception {
    Path big = tmp.resolve("big");
    OciLayoutBuilder builder = new OciLayoutBuilder().refName("big");
    Random random = new Random(13);
    for (int i = 0; i < 3; i++) {
      byte[] content = new byte[48 << 20];
      random.nextBytes(content);
      builder.layer(new LayerBuilder().file("data/blob-" + i + ".bin", content, 0644).build(), OciLayoutBuilder.Compression.NONE, "COPY blob-" + i);
    }
    builder.write(big);
    Skopeo.copy("oci:" + big + ":big", "docker://" + dev.host() + "/big:1", List.of("--dest-tls-verify=false"));
    // skopeo compressed the layers on the way: the digests to watch for are those dev holds
    List<String> layers = new ArrayList<>();
    JsonNode pushed = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + dev.host() + "/big:1", "--tls-verify=false"));
    pushed.path("layers").forEach(l -> layers.add(l.path("digest").asText().substring("sha256:".length())));
    assertThat(layers).hasSize(3);

    List<String> command = ChildJvm.command(List.of("-Xmx512m", "--enable-native-access=ALL-UNNAMED"), Main.class.getName(),
        List.of("promote", "--insecure", "--quiet", "--no-cache", "--db", db.toString(), "--at", AT, "--key", key("release.key"),
        "--stage", "dev", "--requester", "alice", "registry:" + dev.host() + "/big:1", prod.host() + "/big:1"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile());
    pb.environment().put(PassphraseOptions.ENV, PASSPHRASE);
    Process process = pb.start();
    Path layerLinks = prod.storageDir().resolve("docker/registry/v2/repositories/big/_layers/sha256");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    boolean killedMidCopy = false;
    while (process.isAlive() && System.nanoTime() < deadline) {
      if (layers.stream().anyMatch(hex -> Files.exists(layerLinks.resolve(hex).resolve("link")))) {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        killedMidCopy = true;
        break;
      }
      Thread.sleep(2);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(killedMidCopy).as("killed while copying; output: " + Files.readString(tmp.resolve("killed.log"))).isTrue();
    assertThat(process.exitValue()).isEqualTo(137);
    long landed = layers.stream().filter(hex -> Files.exists(layerLinks.resolve(hex).resolve("link"))).count();
    assertThat(landed).as("layers at prod when killed").isBetween(1L, 2L);
    assertThat(tags(prod, "big")).isEmpty();

    CliRun again = promote("registry:" + dev.host() + "/big:1", prod.host() + "/big:1", "--stage", "dev", "--requester", "alice");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(tags(prod, "big")).containsExactly("1", skopeoDigest(dev.host() + "/big:1").replace(':', '-') + ".att");
    assertThat(skopeoDigest(prod.host() + "/big:1")).isEqualTo(skopeoDigest(dev.host() + "/big:1"));
  }
}
