package dev.portcullis.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.core.Digest;
import dev.portcullis.core.ImageRef;
import dev.portcullis.oci.Descriptor;
import dev.portcullis.sign.Verification.Reason;
import dev.portcullis.sign.dsse.SignedJson;
import dev.portcullis.sign.key.KeyIds;
import dev.portcullis.sign.key.PublicKeys;
import dev.portcullis.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openssl as the independent implementation: it verifies what we stored, and signs what the test
 * assembles by hand as cosign's specification documents it, which our verifier must accept. The
 * JSON here is written out in full on purpose, not by the classes under test.
 */
class OpensslCrossCheckIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final TestSigner ALICE = TestSigner.generate();

  @TempDir Path tmp;
  private RegistryFixture f;

  @BeforeEach
  void start() throws IOException {
    Tools.require("openssl");
    f = new RegistryFixture(tmp.resolve("images"));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  private Path write(String name, String content) throws IOException {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private String opensslVerify(Path publicKey, Path signature, Path message) throws IOException {
    return Tools.run(TIMEOUT, "openssl", "dgst", "-sha256", "-verify", publicKey.toString(), "-signature", signature.toString(), message.toString())
        .stdoutText();
  }

  private byte[] blob(ImageRef repo, JsonNode descriptor) throws IOException {
    Descriptor d = new Descriptor(descriptor.path("mediaType").asText(), Digest.parse(descriptor.path("digest").asText()), descriptor.path("size").asLong());
    try (InputStream in = f.client.blob(repo, d)) {
      return in.readAllBytes();
    }
  }

  @Test
  void opensslAcceptsTheSignatureAndTheAttestationWeStored() throws IOException {
    ImageRef image = f.push("app:1", "one");
    f.signer.sign(image, ALICE);
    f.signer.attest(image, PredicateTypes.VERDICT, ImageSigningIT.verdict("2026-06-01T11:00:00Z", 81), ALICE);
    Path alice = write("alice.pub", PublicKeys.toPem(ALICE.publicKey()));
    Path stranger = write("stranger.pub", PublicKeys.toPem(TestSigner.generate().publicKey()));

    JsonNode layer = f.skopeoRaw("app:sha256-" + image.digest().hex() + ".sig").path("layers").get(0);
    Path payload = write("payload.json", blob(image, layer));
    Path signature = write("payload.sig", Base64.getDecoder().decode(layer.path("annotations").path("dev.cosignproject.cosign/signature").asText()));
    assertThat(opensslVerify(alice, signature, payload)).isEqualTo("Verified OK\n");
    assertThatThrownBy(() -> opensslVerify(stranger, signature, payload)).isInstanceOf(Tools.ToolException.class);
    JsonNode critical = SignedJson.MAPPER.readTree(Files.readAllBytes(payload)).path("critical");
    assertThat(critical.path("image").path("docker-manifest-digest").asText()).isEqualTo(image.digest().toString());

    // DSSE: the signature is over "DSSEv1 <len> <type> <len> <payload>", built here by hand
    JsonNode envelope = SignedJson.MAPPER.readTree(blob(image, f.skopeoRaw("app:sha256-" + image.digest().hex() + ".att").path("layers").get(0)));
    String type = envelope.path("payloadType").asText();
    byte[] statement = Base64.getDecoder().decode(envelope.path("payload").asText());
    byte[] head = ("DSSEv1 " + type.length() + " " + type + " " + statement.length + " ").getBytes(StandardCharsets.UTF_8);
    byte[] pae = new byte[head.length + statement.length];
    System.arraycopy(head, 0, pae, 0, head.length);
    System.arraycopy(statement, 0, pae, head.length, statement.length);
    Path paeFile = write("statement.pae", pae);
    Path dsseSig = write("statement.sig", Base64.getDecoder().decode(envelope.path("signatures").get(0).path("sig").asText()));
    assertThat(opensslVerify(alice, dsseSig, paeFile)).isEqualTo("Verified OK\n");
    assertThat(type).isEqualTo("application/vnd.in-toto+json");
    JsonNode subject = SignedJson.MAPPER.readTree(statement).path("subject").get(0);
    assertThat(subject.path("digest").path("sha256").asText()).isEqualTo(image.digest().hex());
  }

  /** Pushes {@code content} as a blob of {@code repo} and returns its descriptor's JSON fields (without braces). */
  private String pushBlob(ImageRef repo, String mediaType, byte[] content) throws IOException {
    Digest d = Digest.sha256(content);
    f.client.putBlob(repo, new ByteArrayInputStream(content), content.length, d);
    return "\"mediaType\":\"" + mediaType + "\",\"size\":" + content.length + ",\"digest\":\"" + d + "\"";
  }

  /** A {@code .sig} or {@code .att} manifest as cosign's specification lays it out, with one layer, pushed under {@code tag}. */
  private void pushCosignManifest(ImageRef image, String tag, String layerMediaType, byte[] layer, String annotations) throws IOException {
    String layerDescriptor = pushBlob(image, layerMediaType, layer);
    String config = "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\","
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(layer) + "\"]},\"config\":{}}";
    String configDescriptor = pushBlob(image, "application/vnd.oci.image.config.v1+json", config.getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{" + configDescriptor + "},"
        + "\"layers\":[{" + layerDescriptor + ",\"annotations\":{" + annotations + "}}]}";
    f.client.putManifest(ImageRef.parse(image.registry() + "/" + image.repository() + ":" + tag), manifest.getBytes(StandardCharsets.UTF_8),
        "application/vnd.oci.image.manifest.v1+json");
  }

  private PublicKey opensslKeyPair(Path key, Path pub) throws IOException {
    Tools.run(TIMEOUT, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    Tools.run(TIMEOUT, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
    return PublicKeys.readPem(Files.readString(pub));
  }

  private byte[] opensslSign(Path key, Path message) throws IOException {
    Path out = tmp.resolve(message.getFileName() + ".sig");
    Tools.run(TIMEOUT, "openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", out.toString(), message.toString());
    return Files.readAllBytes(out);
  }

  @Test
  void ourVerifierAcceptsACosignSignatureAndAttestationSignedByOpensslAndAssembledByHand() throws IOException {
    ImageRef image = f.push("team/app:1", "one");
    String hex = image.digest().hex();
    Path key = tmp.resolve("cosign.key");
    PublicKey publicKey = opensslKeyPair(key, tmp.resolve("cosign.pub"));

    String payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"" + f.registry.host() + "/team/app\"},\"image\":{\"docker-manifest-digest\":\"sha256:"
        + hex + "\"},\"type\":\"cosign container image signature\"},\"optional\":{\"creator\":\"openssl\"}}";
    Path payloadFile = write("cosign-payload.json", payload);
    String signature = Base64.getEncoder().encodeToString(opensslSign(key, payloadFile));
    pushCosignManifest(image, "sha256-" + hex + ".sig", "application/vnd.dev.cosign.simplesigning.v1+json", payload.getBytes(StandardCharsets.UTF_8),
        "\"dev.cosignproject.cosign/signature\":\"" + signature + "\"");

    assertThat(f.verifier.verify(f.ref("team/app:1"), new Requirement.Signed(List.of(publicKey)))).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      assertThat(ok.keyIds()).containsExactly(KeyIds.of(publicKey));
      assertThat(((Evidence.Signature) ok.evidence().get(0)).payload().optional()).containsEntry("creator", "openssl");
    });
    assertThat(((Verification.Rejected) f.verifier.verify(image, new Requirement.Signed(List.of(ALICE.publicKey())))).reason()).isEqualTo(Reason.UNKNOWN_KEY);

    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" + f.registry.host() + "/team/app\",\"digest\":{\"sha256\":\""
        + hex + "\"}}],\"predicateType\":\"https://portcullis.dev/attestation/verdict/v1\",\"predicate\":{\"decision\":\"allow\",\"score\":77,"
        + "\"time\":\"2026-06-01T10:00:00+02:00\"}}";
    String type = "application/vnd.in-toto+json";
    Path pae = write("statement.pae", "DSSEv1 " + type.length() + " " + type + " " + statement.length() + " " + statement);
    String envelope = "{\"payloadType\":\"" + type + "\",\"payload\":\"" + Base64.getEncoder().encodeToString(statement.getBytes(StandardCharsets.UTF_8))
        + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"" + Base64.getEncoder().encodeToString(opensslSign(key, pae)) + "\"}]}";
    pushCosignManifest(image, "sha256-" + hex + ".att", "application/vnd.dsse.envelope.v1+json", envelope.getBytes(StandardCharsets.UTF_8),
        "\"dev.cosignproject.cosign/signature\":\"\",\"predicateType\":\"https://portcullis.dev/attestation/verdict/v1\"");

    Verification v = f.verifier.verify(image, new Requirement.Attested(List.of(publicKey), PredicateTypes.VERDICT, Optional.of(Duration.ofHours(5))));
    assertThat(v).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      Evidence.Attestation a = (Evidence.Attestation) ok.evidence().get(0);
      assertThat(a.statement().predicate().path("score").asInt()).isEqualTo(77);
      assertThat(a.time()).hasValue(java.time.Instant.parse("2026-06-01T08:00:00Z"));
    });
    // four hours old: within five hours, not within three
    assertThat(((Verification.Rejected) f.verifier.verify(image, new Requirement.Attested(List.of(publicKey), PredicateTypes.VERDICT,
        Optional.of(Duration.ofHours(3))))).reason()).isEqualTo(Reason.STALE);
  }
}
