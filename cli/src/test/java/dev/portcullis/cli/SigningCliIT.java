package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.testkit.RegistryProcess;
import dev.portcullis.testkit.Skopeo;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * key generate, sign, verify, attest, verify-attestation, signatures, bundle export|verify and the
 * gate's attestation requirement, through the command line against a real docker-registry, with
 * skopeo and openssl as independent readers. The steps build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SigningCliIT {
  static final String PASSPHRASE = "correct horse battery staple 7f3a";
  static final String AT = "2026-11-01T12:00:00Z";
  @TempDir static Path tmp;
  static RegistryProcess registry;
  static String image;
  static Path db;
  static final List<Run> ALL = new ArrayList<>();

  record Run(int exit, String out, String err) {}

  static Run feed(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.of(PassphraseOptions.ENV, PASSPHRASE));
    Run r = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    ALL.add(r);
    return r;
  }

  static Run run(String... args) {
    return feed("", args);
  }

  static String key(String name) {
    return tmp.resolve(name).toString();
  }

  @BeforeAll
  static void registryImageKeysAndDatabase() throws IOException {
    registry = RegistryProcess.start();
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + registry.host() + "/hello:1.0", List.of("--dest-tls-verify=false"));
    image = "registry:" + registry.host() + "/hello:1.0";
    for (String name : List.of("ci", "release", "stranger")) {
      Run k = run("key", "generate", "--output-prefix", key(name));
      assertThat(k.exit()).as(k.err()).isZero();
      assertThat(k.out()).contains("key ID      sha256:");
    }
    Run pkcs8 = feed("", "key", "generate", "--key-format", "pkcs8", "--output-prefix", key("openssl"));
    assertThat(pkcs8.exit()).as(pkcs8.err()).isZero();
    db = tmp.resolve("db");
    assertThat(run("db", "import", "--db", db.toString(), CliTest.EXAMPLE.resolveSibling("advisories").toString()).exit()).isZero();
  }

  @AfterAll
  static void stopAndCheckNoSecretLeaked() {
    if (registry != null) {
      registry.close();
    }
    // secrets hygiene: the passphrase never reaches any output, and private keys are never printed
    for (Run r : ALL) {
      assertThat(r.out() + r.err()).doesNotContain(PASSPHRASE).doesNotContain("PRIVATE KEY");
    }
  }

  @Test
  @Order(1)
  void twoKeysSignAndSignaturesAccumulateAsSkopeoSees() throws IOException {
    Run a = run("sign", "--insecure", "--key", key("ci.key"), image);
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).startsWith("signed " + registry.host() + "/hello:1.0@sha256:").contains(".sig");
    Run again = run("sign", "--insecure", "--key", key("ci.key"), image);
    assertThat(again.out()).contains("already there: nothing added");
    Run b = feed("", "sign", "--insecure", "--key", key("openssl.key"), "--passphrase-stdin", image);
    assertThat(b.exit()).as(b.err()).isEqualTo(2); // stdin was empty: the passphrase is wrong
    assertThat(b.err()).contains("wrong passphrase").doesNotContain("\tat ");
    Run c = feed(PASSPHRASE + "\n", "sign", "--insecure", "--key", key("release.key"), "--passphrase-stdin", image);
    assertThat(c.exit()).as(c.err()).isZero();

    String digest = JsonOutput.MAPPER.readTree(Skopeo.inspect("docker://" + registry.host() + "/hello:1.0", "--tls-verify=false")).path("Digest").asText();
    JsonNode sig = JsonOutput.MAPPER.readTree(Skopeo.rawManifest("docker://" + registry.host() + "/hello:" + digest.replace(':', '-') + ".sig",
        "--tls-verify=false"));
    assertThat(sig.path("layers")).hasSize(2);
    sig.path("layers").forEach(l -> {
      assertThat(l.path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
      assertThat(l.path("annotations").path("dev.cosignproject.cosign/signature").asText()).isNotEmpty();
    });
  }

  @Test
  @Order(2)
  void verifyByKeyAndByTrustPolicy() throws IOException {
    assertThat(run("verify", "--insecure", "--key", key("ci.pub"), image).exit()).isZero();
    Run stranger = run("verify", "--insecure", "--key", key("stranger.pub"), image);
    assertThat(stranger.exit()).isEqualTo(1);
    assertThat(stranger.err()).contains("not verified (unknown-key)");
    Files.writeString(tmp.resolve("trust.yaml"), """
        apiVersion: portcullis.dev/v1
        kind: TrustPolicy
        signatures:
          anyOf: [ci.pub, stranger.pub]
        stages:
          prod:
            signatures:
              allOf: [ci.pub, release.pub]
          audit:
            signatures:
              allOf: [ci.pub, stranger.pub]
        """);
    String trust = tmp.resolve("trust.yaml").toString();
    assertThat(run("verify", "--insecure", "--trust", trust, image).exit()).isZero();
    Run prod = run("verify", "--insecure", "--trust", trust, "--stage", "prod", "--format", "json", image);
    assertThat(prod.exit()).as(prod.err()).isZero();
    assertThat(JsonOutput.MAPPER.readTree(prod.out()).path("keyIds")).hasSize(2);
    Run audit = run("verify", "--insecure", "--trust", trust, "--stage", "audit", image);
    assertThat(audit.exit()).isEqualTo(1);
    assertThat(audit.err()).contains("not verified (trust policy): not signed by all of 2 required signers; missing: stranger.pub");
    Run local = run("verify", "--key", key("ci.pub"), "oci-dir:" + CliTest.EXAMPLE);
    assertThat(local.exit()).isEqualTo(2);
    assertThat(local.err()).contains("signatures are stored in a registry");
  }

  @Test
  @Order(3)
  void verdictSbomAndVulnAttestationsVerifyAndTheGateRequiresTheVerdict() throws IOException {
    Run verdict = run("attest", "--insecure", "--no-cache", "--type", "verdict", "--stage", "dev", "--db", db.toString(), "--at", AT,
        "--key", key("ci.key"), image);
    assertThat(verdict.exit()).as(verdict.err()).isZero();
    assertThat(run("attest", "--insecure", "--no-cache", "--type", "sbom", "--key", key("ci.key"), image).exit()).isZero();
    assertThat(run("attest", "--insecure", "--no-cache", "--type", "vuln", "--db", db.toString(), "--key", key("ci.key"), image).exit()).isZero();

    Run v = run("verify-attestation", "--insecure", "--type", "verdict", "--key", key("ci.pub"), "--format", "json", image);
    assertThat(v.exit()).as(v.err()).isZero();
    JsonNode predicate = JsonOutput.MAPPER.readTree(v.out()).path("evidence").get(0).path("predicate");
    assertThat(predicate.path("stage").asText()).isEqualTo("dev");
    assertThat(predicate.path("score").asInt()).isEqualTo(80); // docs/policy.md: the example scores 80
    assertThat(predicate.path("decision").asText()).isEqualTo("allow");
    assertThat(predicate.path("time").asText()).isEqualTo(AT);
    // made (as the test says) on the first of November: stale for a one-day limit, fine for a yearly one
    Run stale = run("verify-attestation", "--insecure", "--type", "verdict", "--key", key("ci.pub"), "--max-age", "1d", image);
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).contains("not verified (stale)");
    assertThat(run("verify-attestation", "--insecure", "--type", "verdict", "--key", key("ci.pub"), "--max-age", "365d", image).exit()).isZero();
    Run sbom = run("verify-attestation", "--insecure", "--type", "sbom", "--key", key("ci.pub"), "--format", "json", image);
    assertThat(JsonOutput.MAPPER.readTree(sbom.out()).path("evidence").get(0).path("predicate").path("bomFormat").asText()).isEqualTo("CycloneDX");
    Run vuln = run("verify-attestation", "--insecure", "--type", "vuln", "--key", key("ci.pub"), "--format", "json", image);
    assertThat(JsonOutput.MAPPER.readTree(vuln.out()).path("evidence").get(0).path("predicate").path("scanner").path("result").toString())
        .contains("minimist");
    Run wrongKey = run("verify-attestation", "--insecure", "--type", "verdict", "--key", key("release.pub"), image);
    assertThat(wrongKey.exit()).isEqualTo(1);

    Run list = run("signatures", "--insecure", "--key", key("ci.pub"), image);
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out().lines().filter(l -> l.startsWith("signature"))).hasSize(2);
    assertThat(list.out().lines().filter(l -> l.startsWith("attestation"))).hasSize(3);

    // the gate: prod needs a verdict for dev, signed by ci, scoring at least 70, at most 30 days old
    Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: portcullis.dev/v1
        kind: Policy
        stages:
          prod:
            minScore: 0
            attestations:
              - name: verdict-from-dev
                type: verdict
                signers: [%s]
                stage: dev
                minScore: 70
                maxAgeDays: 30
        """.formatted(key("ci.pub")));
    String policy = tmp.resolve("policy.yaml").toString();
    Run allowed = run("gate", "--insecure", "--no-cache", "--db", db.toString(), "--stage", "prod", "--policy", policy, "--at", AT, image);
    assertThat(allowed.exit()).as(allowed.out() + allowed.err()).isZero();
    Run later = run("gate", "--insecure", "--no-cache", "--db", db.toString(), "--stage", "prod", "--policy", policy, "--at", "2027-01-15T00:00:00Z", image);
    assertThat(later.exit()).isEqualTo(1);
    assertThat(later.out()).contains("deny  verdict-from-dev: no verified attestation https://portcullis.dev/attestation/verdict/v1");
    Files.writeString(tmp.resolve("policy-release.yaml"), Files.readString(tmp.resolve("policy.yaml")).replace(key("ci.pub"), key("release.pub")));
    Run otherSigner = run("gate", "--insecure", "--no-cache", "--db", db.toString(), "--stage", "prod", "--policy",
        tmp.resolve("policy-release.yaml").toString(), "--at", AT, image);
    assertThat(otherSigner.exit()).isEqualTo(1);
  }

  @Test
  @Order(4)
  void bundlesVerifyOfflineAndOpensslAgrees() throws IOException {
    Path sigBundle = tmp.resolve("sig.bundle.json");
    Run export = run("bundle", "export", "--insecure", "--type", "sig", "--key", key("ci.pub"), "-o", sigBundle.toString(), image);
    assertThat(export.exit()).as(export.err()).isZero();
    Path payload = Path.of(sigBundle + ".payload.json");
    String digest = JsonOutput.MAPPER.readTree(Files.readAllBytes(payload)).path("critical").path("image").path("docker-manifest-digest").asText();
    registry.close(); // offline from here on
    Run ok = run("bundle", "verify", sigBundle.toString(), "--key", key("ci.pub"), "--artifact", payload.toString(), "--image-digest", digest);
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("signed by sha256:").contains("@" + digest);
    Run other = run("bundle", "verify", sigBundle.toString(), "--key", key("ci.pub"), "--artifact", payload.toString(), "--image-digest",
        "sha256:" + "0".repeat(64));
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.err()).contains("digest-mismatch");
    assertThat(run("bundle", "verify", sigBundle.toString(), "--key", key("release.pub"), "--artifact", payload.toString()).exit()).isEqualTo(1);

    // openssl checks the same signature over the same payload with the same public key
    JsonNode bundle = JsonOutput.MAPPER.readTree(Files.readAllBytes(sigBundle));
    Path der = Files.write(tmp.resolve("sig.der"), Base64.getDecoder().decode(bundle.path("messageSignature").path("signature").asText()));
    Tools.Result openssl = Tools.run(Duration.ofSeconds(30), "openssl", "dgst", "-sha256", "-verify", key("ci.pub"), "-signature", der.toString(),
        payload.toString());
    assertThat(openssl.exitCode()).as(openssl.stderr()).isZero();
  }

  @Test
  @Order(5)
  void anAttestationBundleIsAboutItsImage() throws IOException {
    registry = RegistryProcess.start();
    Skopeo.copy("oci:" + CliTest.EXAMPLE + ":1.0", "docker://" + registry.host() + "/hello:1.0", List.of("--dest-tls-verify=false"));
    image = "registry:" + registry.host() + "/hello:1.0";
    Path predicate = Files.writeString(tmp.resolve("custom.json"), "{\"reviewed\":true,\"time\":\"" + AT + "\"}");
    Run attest = run("attest", "--insecure", "--type", "https://example.com/review/v1", "--predicate", predicate.toString(), "--key", key("ci.key"), image);
    assertThat(attest.exit()).as(attest.err()).isZero();
    Path out = tmp.resolve("review.bundle.json");
    assertThat(run("bundle", "export", "--insecure", "--type", "https://example.com/review/v1", "--key", key("ci.pub"), "-o", out.toString(), image)
        .exit()).isZero();
    String digest = attest.out().lines().findFirst().orElseThrow().replaceAll(".*@(sha256:[0-9a-f]{64}).*", "$1");
    assertThat(run("bundle", "verify", out.toString(), "--key", key("ci.pub"), "--image-digest", digest).exit()).isZero();
    Run other = run("bundle", "verify", out.toString(), "--key", key("ci.pub"), "--image-digest", "sha256:" + "1".repeat(64));
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.err()).contains("subject-mismatch");
    Files.writeString(out, Files.readString(out).substring(0, 200));
    Run truncated = run("bundle", "verify", out.toString(), "--key", key("ci.pub"));
    assertThat(truncated.exit()).isEqualTo(1);
    assertThat(truncated.err()).contains("malformed").doesNotContain("\tat ");
  }
}
